//! `kubectl edit TYPE NAME|TYPE/NAME`: the object's YAML goes into a temporary file under the
//! help header kubectl writes, the terminal's editor opens it (the session's `vi` machinery),
//! and on save the edited object goes through the apiserver's update path. The loop follows
//! kubectl's `editoptions.go`: unchanged → `Edit cancelled, no changes made.`; empty →
//! `Edit cancelled, saved file was empty.`; a syntax or validation error reopens the file with
//! the reasons in its header (a validation error also prints `error: services "x" is
//! invalid`); saving the same broken text again gives up and keeps a copy.

use super::args::Args;
use super::resource::{self, Selection};
use super::{print, Context, Followup};
use crate::api::Kind;
use crate::apiserver::{self, decode, ApplyOutcome};
use crate::cluster::Cluster;
use crate::error::ApiError;
use crate::CommandOutput;

const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

/// An edit in progress: which object, the file, what it first held and, after a failed save,
/// what was saved then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditState {
    pub path: String,
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
    original: String,
    errored: Option<String>,
}

/// What a save leads to.
pub enum Step {
    /// The edit is over; print this.
    Done(CommandOutput),
    /// Open the editor again on `text` (the file's new contents), after printing `out`.
    Reopen {
        state: EditState,
        text: String,
        out: CommandOutput,
    },
}

pub fn run(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    let words = &args.positional[1..];
    if words.is_empty() {
        return CommandOutput::stderr(
            "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n",
            1,
        );
    }
    let named =
        match resource::select(words) {
            Ok((Selection::Named(n), _)) => n,
            Ok((Selection::Kinds(_), _)) => return CommandOutput::stderr(
                "error: kubeplay's kubectl edit needs an object name (TYPE NAME or TYPE/NAME)\n",
                1,
            ),
            Err(e) => return CommandOutput::stderr(format!("error: {e}\n"), 1),
        };
    let [(kind, name)] = named.as_slice() else {
        return CommandOutput::stderr(
            "error: kubeplay's kubectl edit opens one object at a time\n",
            1,
        );
    };
    let (kind, name) = (*kind, name.clone());
    let namespace = ctx.namespace(args);
    let Some(obj) = ctx.cluster.store.get(kind, &namespace, &name) else {
        return CommandOutput::stderr(
            format!(
                "Error from server (NotFound): {} \"{name}\" not found\n",
                kind.info().plural_qualified()
            ),
            1,
        );
    };
    let text = format!("{HEADER}{}", print::yaml::to_yaml(&obj.to_value()));
    let path = temp_path(ctx.cluster);
    ctx.io.fs.write(&path, text.clone());
    ctx.io.followup = Some(Followup::Edit(EditState {
        path,
        kind,
        namespace,
        name,
        original: text,
        errored: None,
    }));
    CommandOutput::default()
}

/// `os.CreateTemp("", "kubectl-edit-*.yaml")`: a number derived from the store's revision, so
/// the same inputs name the same file.
fn temp_path(cluster: &Cluster) -> String {
    let n = cluster.store.resource_version().wrapping_mul(2_654_435_761) % 4_294_967_296;
    format!("/tmp/kubectl-edit-{n}.yaml")
}

/// `cmdutil.StripComments`-like comparison text: no comment lines, no trailing blanks.
fn strip_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .trim()
        .to_string()
}

/// The saved file `edited` (the file as it stands when the editor closed).
pub fn finish(cluster: &mut Cluster, mut state: EditState, edited: &str) -> Step {
    let stripped = strip_comments(edited);
    if let Some(prev) = &state.errored {
        if strip_comments(prev) == stripped {
            return Step::Done(CommandOutput::stderr(
                format!(
                    "A copy of your changes has been stored to \"{}\"\nerror: Edit cancelled, no valid changes were saved.\n",
                    state.path
                ),
                1,
            ));
        }
    }
    if strip_comments(&state.original) == stripped {
        return Step::Done(CommandOutput::stderr(
            "Edit cancelled, no changes made.\n",
            0,
        ));
    }
    if stripped.is_empty() {
        return Step::Done(CommandOutput::stderr(
            "Edit cancelled, saved file was empty.\n",
            0,
        ));
    }
    let qualified = format!("{}/{}", state.kind.info().singular_qualified(), state.name);
    let resource = state.kind.info().plural_qualified();
    let (reason, printed) = match save(cluster, &state, edited) {
        Ok(ApplyOutcome::Unchanged) => {
            return Step::Done(CommandOutput::stdout(format!("{qualified} skipped\n")))
        }
        Ok(_) => return Step::Done(CommandOutput::stdout(format!("{qualified} edited\n"))),
        Err(Failure::Syntax(msg)) => (
            format!("# The edited file had a syntax error: {msg}\n#\n"),
            String::new(),
        ),
        Err(Failure::Api(ApiError::Invalid { causes, .. })) => {
            let mut r = format!("# {resource} \"{}\" was not valid:\n", state.name);
            for c in &causes {
                r.push_str(&format!("# * {c}\n"));
            }
            r.push_str("#\n");
            (
                r,
                format!("error: {resource} \"{}\" is invalid\n", state.name),
            )
        }
        Err(Failure::Api(e)) => (
            format!(
                "# {resource} \"{}\" could not be patched: {}\n#\n",
                state.name,
                e.server_message()
            ),
            format!(
                "error: {resource} \"{}\" could not be patched: {}\n",
                state.name,
                e.server_message()
            ),
        ),
    };
    state.errored = Some(edited.to_string());
    let body: String = edited
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    Step::Reopen {
        state,
        text: format!("{HEADER}{reason}{body}"),
        out: if printed.is_empty() {
            CommandOutput::default()
        } else {
            CommandOutput::stderr(printed, 1)
        },
    }
}

enum Failure {
    Syntax(String),
    Api(ApiError),
}

/// Decodes the edited text and writes it over the stored object.
fn save(cluster: &mut Cluster, state: &EditState, edited: &str) -> Result<ApplyOutcome, Failure> {
    let mut docs = decode::decode_file("edited-file", edited);
    let manifest = match docs.pop() {
        Some(Ok(m)) if docs.is_empty() => m,
        Some(Err(e)) => {
            let text = e.to_string();
            let msg = text.strip_prefix("error: ").unwrap_or(&text);
            return Err(Failure::Syntax(msg.to_string()));
        }
        _ => {
            return Err(Failure::Api(ApiError::Client {
                message: "the edited file must hold exactly one object".into(),
            }))
        }
    };
    if manifest.kind != state.kind || manifest.name() != state.name {
        return Err(Failure::Api(ApiError::BadRequest {
            message: "At least one of apiVersion, kind and name was changed".into(),
        }));
    }
    let mut value = manifest.value.clone();
    drop_nulls(&mut value);
    let mut obj = decode::decode_typed(state.kind, &value).map_err(|f| {
        Failure::Api(ApiError::BadRequest {
            message: f.message(state.kind),
        })
    })?;
    if state.kind.info().namespaced {
        obj.meta_mut().namespace = Some(state.namespace.clone());
    }
    apiserver::replace_object(cluster, obj).map_err(Failure::Api)
}

fn drop_nulls(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}
