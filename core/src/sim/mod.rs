//! Simulation primitives: the logical clock and the portable PRNG.
//!
//! Nothing in the core reads the OS clock or OS entropy. Time advances only through
//! [`crate::Session::advance`] and randomness comes only from the session's seeded [`Pcg32`].

mod clock;
mod rng;

pub use clock::{Duration, Time, EPOCH_UNIX_SECS};
pub use rng::Pcg32;
