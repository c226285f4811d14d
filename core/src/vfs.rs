//! The virtual filesystem of a terminal (the workstation's home, a pod's filesystem). Paths are
//! absolute and normalised (`/home/learner/x.yaml`); nothing here touches a real disk.

use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vfs {
    files: BTreeMap<String, String>,
}

impl Vfs {
    pub fn read(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    pub fn write(&mut self, path: &str, contents: String) {
        self.files.insert(path.to_string(), contents);
    }

    pub fn remove(&mut self, path: &str) -> Option<String> {
        self.files.remove(path)
    }

    /// Files directly or indirectly below `dir`, in path order.
    pub fn files_under<'a>(
        &'a self,
        dir: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let prefix = if dir.ends_with('/') {
            dir.to_string()
        } else {
            format!("{dir}/")
        };
        self.files
            .iter()
            .filter(move |(p, _)| p.starts_with(&prefix))
            .map(|(p, c)| (p.as_str(), c.as_str()))
    }

    pub fn is_dir(&self, path: &str) -> bool {
        path == "/" || self.files_under(path).next().is_some()
    }
}

/// Joins `path` onto `cwd` and normalises `.`/`..`/`~` (`~` is the learner's home).
pub fn resolve(cwd: &str, home: &str, path: &str) -> String {
    let joined = if let Some(rest) = path.strip_prefix('~') {
        format!("{home}{rest}")
    } else if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_paths() {
        let home = "/home/learner";
        assert_eq!(resolve(home, home, "a.yaml"), "/home/learner/a.yaml");
        assert_eq!(resolve(home, home, "../x"), "/home/x");
        assert_eq!(resolve("/", home, "~/b"), "/home/learner/b");
        assert_eq!(resolve(home, home, "/etc/./hosts"), "/etc/hosts");
    }
}
