//! Kubeplay core: a deterministic, in-memory model of a small Kubernetes cluster, its Service
//! networking, `kubectl` and the shells a learner types into.
//!
//! Inputs are command lines ([`Session::exec`]) and simulated time ([`Session::advance`]); all
//! state lives in the object [`store`]; output is terminal text. The crate does no I/O, reads no
//! clock and no entropy, and iterates only ordered collections, so one seed and one script give
//! byte-identical output natively and in wasm.
//!
//! Module map:
//! - [`sim`]: simulated clock and the portable PRNG.
//! - [`api`]: the API object types and the kind registry.
//! - [`apiserver`]: the write path: decoding, defaulting, validation, allocation.
//! - [`store`]: objects keyed by kind, namespace and name.
//! - [`cluster`]: the store plus clock and PRNG; the starting cluster.
//! - [`controllers`]: Deployment, ReplicaSet, StatefulSet, scheduler, kubelet, Endpoints,
//!   EndpointSlice, garbage collector and namespace controllers.
//! - [`network`]: DNS, kube-proxy, NetworkPolicy and request traces.
//! - [`tools`]: curl, nslookup and friends; the images' servers.
//! - [`kubectl`]: kubectl verbs and their exact output.
//! - [`limits`]: the resource limits and the messages they refuse with.
//! - [`walk`]: the one typed decoder (JSON values into serde types, with the failure path).
//! - [`vfs`]: terminals' virtual files.
//! - [`transcript`]: terminal sessions as test data.
//! - [`lesson`]: guided labs as data, their checks and the request log they read.
//! - [`shell`]: the POSIX-like shell of the workstation and pod terminals.
//! - [`session`]: the façade the browser, the widget and the CLI all drive.

pub mod api;
pub mod apiserver;
pub mod cluster;
pub mod controllers;
pub mod error;
pub mod kubectl;
pub mod lesson;
pub mod limits;
pub mod network;
pub mod output;
pub mod session;
pub mod shell;
pub mod sim;
pub mod store;
pub mod tools;
pub mod transcript;
pub mod vfs;
pub mod view;
pub mod walk;

pub use error::{ApiError, FieldError};
pub use output::{CommandOutput, Stream};
pub use session::Session;
