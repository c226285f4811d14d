//! `ApiError`: the apiserver's StatusError as a value, rendered the way kubectl prints it.

use std::fmt;

/// One field-level cause of an `Invalid` error (`field.Error`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// `spec.ports[0].nodePort`
    pub field: String,
    /// `Invalid value: 80: provided port is not in the valid range…`, everything after `field: `.
    pub detail: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            detail: detail.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.detail)
    }
}

/// Errors the simulated apiserver returns. `Display` gives kubectl's stderr text, without the
/// trailing newline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// `resource` is the qualified plural (`deployments.apps`).
    NotFound {
        resource: String,
        name: String,
    },
    AlreadyExists {
        resource: String,
        name: String,
    },
    /// `kind` is the Kind (`Service`); causes render in kubectl's bulleted form when >1.
    Invalid {
        kind: String,
        name: String,
        causes: Vec<FieldError>,
    },
    Conflict {
        resource: String,
        name: String,
        detail: String,
    },
    BadRequest {
        message: String,
    },
    Forbidden {
        message: String,
    },
    /// A message kubectl prints verbatim after `error: `.
    Client {
        message: String,
    },
    /// Any server error whose message already carries kubectl's context, e.g. `error when
    /// creating "svc.yaml": services "x" already exists`; `reason` is `NotFound`, `BadRequest`…
    Status {
        reason: String,
        message: String,
    },
    /// An `Invalid` error with kubectl's per-file context, which only shows when several errors
    /// are reported together (see [`ApiError::aggregate_line`]).
    InvalidIn {
        context: String,
        error: Box<ApiError>,
    },
}

impl ApiError {
    /// The server's message without kubectl's `Error from server (Reason): ` prefix.
    pub fn server_message(&self) -> String {
        match self {
            ApiError::NotFound { resource, name } => format!("{resource} \"{name}\" not found"),
            ApiError::AlreadyExists { resource, name } => {
                format!("{resource} \"{name}\" already exists")
            }
            ApiError::Conflict {
                resource,
                name,
                detail,
            } => {
                format!("Operation cannot be fulfilled on {resource} \"{name}\": {detail}")
            }
            ApiError::BadRequest { message }
            | ApiError::Forbidden { message }
            | ApiError::Client { message }
            | ApiError::Status { message, .. } => message.clone(),
            ApiError::Invalid { kind, name, causes } => {
                let list: Vec<String> = causes.iter().map(ToString::to_string).collect();
                let all = if list.len() == 1 {
                    list.concat()
                } else {
                    format!("[{}]", list.join(", "))
                };
                format!("{} \"{name}\" is invalid: {all}", qualified_kind(kind))
            }
            ApiError::InvalidIn { context, error } => {
                format!("{context}: {}", error.server_message())
            }
        }
    }

    /// How kubectl prints this error when it reports several at once (`MultipleErrors`): API
    /// errors as `Error from server (Reason): message` (Invalid ones too, with their file
    /// context), client errors without the `error: ` prefix.
    pub fn aggregate_line(&self) -> String {
        match self {
            ApiError::Client { message } => message.clone(),
            ApiError::Invalid { .. } | ApiError::InvalidIn { .. } => {
                format!("Error from server (Invalid): {}", self.server_message())
            }
            other => other.to_string(),
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            ApiError::NotFound { .. } => Some("NotFound"),
            ApiError::AlreadyExists { .. } => Some("AlreadyExists"),
            ApiError::Conflict { .. } => Some("Conflict"),
            ApiError::BadRequest { .. } => Some("BadRequest"),
            ApiError::Forbidden { .. } => Some("Forbidden"),
            ApiError::Status { reason, .. } => Some(reason),
            ApiError::Invalid { .. } | ApiError::InvalidIn { .. } | ApiError::Client { .. } => None,
        }
    }

    /// Prefixes the server message with kubectl's per-file context (`error when creating
    /// "x.yaml"`). Invalid errors print without it, as kubectl prints them from their causes.
    pub fn with_context(self, context: &str) -> ApiError {
        match (self.reason(), &self) {
            (Some(reason), _) => ApiError::Status {
                reason: reason.to_string(),
                message: format!("{context}: {}", self.server_message()),
            },
            (None, ApiError::Invalid { .. }) => ApiError::InvalidIn {
                context: context.to_string(),
                error: Box::new(self),
            },
            (None, _) => self,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::NotFound { resource, name } => {
                write!(f, "Error from server (NotFound): {resource} \"{name}\" not found")
            }
            ApiError::AlreadyExists { resource, name } => {
                write!(f, "Error from server (AlreadyExists): {resource} \"{name}\" already exists")
            }
            ApiError::Invalid { kind, name, causes } => {
                if causes.len() == 1 {
                    write!(f, "The {kind} \"{name}\" is invalid: {}", causes[0])
                } else {
                    write!(f, "The {kind} \"{name}\" is invalid: ")?;
                    for c in causes {
                        write!(f, "\n* {c}")?;
                    }
                    Ok(())
                }
            }
            ApiError::Conflict { resource, name, detail } => write!(
                f,
                "Error from server (Conflict): Operation cannot be fulfilled on {resource} \"{name}\": {detail}"
            ),
            ApiError::BadRequest { message } => write!(f, "Error from server (BadRequest): {message}"),
            ApiError::Forbidden { message } => write!(f, "Error from server (Forbidden): {message}"),
            ApiError::Client { message } => write!(f, "error: {message}"),
            ApiError::Status { reason, message } => {
                write!(f, "Error from server ({reason}): {message}")
            }
            ApiError::InvalidIn { error, .. } => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for ApiError {}

/// `schema.GroupKind.String()`: `Deployment.apps`, or just `Service` for the core group.
fn qualified_kind(kind: &str) -> String {
    crate::api::Kind::ALL
        .iter()
        .map(|k| k.info())
        .find(|i| i.kind == kind && !i.group.is_empty())
        .map_or_else(|| kind.to_string(), |i| format!("{kind}.{}", i.group))
}

/// kubectl's `CheckErr` over an aggregate: one error prints in its own form, several print one
/// `aggregate_line` each. Returns the stderr text, newline-terminated.
pub fn report(errors: &[ApiError]) -> String {
    match errors {
        [] => String::new(),
        [one] => format!("{one}\n"),
        many => many
            .iter()
            .map(|e| format!("{}\n", e.aggregate_line()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_kubectl() {
        let one = ApiError::Invalid {
            kind: "Service".into(),
            name: "x".into(),
            causes: vec![FieldError::new("spec.ports", "Required value")],
        };
        assert_eq!(
            one.to_string(),
            "The Service \"x\" is invalid: spec.ports: Required value"
        );
        let two = ApiError::Invalid {
            kind: "Service".into(),
            name: "x".into(),
            causes: vec![
                FieldError::new("spec.ports[0].name", "Required value"),
                FieldError::new("spec.ports[1].name", "Required value"),
            ],
        };
        assert_eq!(
            two.to_string(),
            "The Service \"x\" is invalid: \n* spec.ports[0].name: Required value\n* spec.ports[1].name: Required value"
        );
    }
}
