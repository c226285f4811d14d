//! The virtual filesystem of a terminal (the workstation's home, a pod's filesystem). Paths are
//! absolute and normalised (`/home/learner/x.yaml`); nothing here touches a real disk.
//!
//! Directories are explicit so `mkdir`, `ls` and `cd` behave like a real shell's; writing a file
//! creates its missing parent directories (lesson files and `kubectl` never need `mkdir`).

use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vfs {
    files: BTreeMap<String, String>,
    dirs: BTreeSet<String>,
}

/// The parent of an absolute normalised path (`/` for top-level entries).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// The last component of a path.
pub fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

impl Vfs {
    pub fn read(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Writes a file, creating missing parent directories.
    pub fn write(&mut self, path: &str, contents: String) {
        self.mkdir_all(parent(path));
        self.files.insert(path.to_string(), contents);
    }

    /// Appends to a file (creating it), without copying what is already there.
    pub fn append(&mut self, path: &str, text: &str) {
        match self.files.get_mut(path) {
            Some(f) => f.push_str(text),
            None => self.write(path, text.to_string()),
        }
    }

    pub fn remove(&mut self, path: &str) -> Option<String> {
        self.files.remove(path)
    }

    pub fn is_file(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub fn exists(&self, path: &str) -> bool {
        self.is_file(path) || self.is_dir(path)
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

    /// Directories strictly below `dir`, in path order.
    pub fn dirs_under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        self.dirs
            .iter()
            .filter(move |p| p.starts_with(&prefix))
            .map(String::as_str)
    }

    pub fn is_dir(&self, path: &str) -> bool {
        path == "/" || self.dirs.contains(path) || self.files_under(path).next().is_some()
    }

    /// Creates `path` and its missing ancestors.
    pub fn mkdir_all(&mut self, path: &str) {
        // Walk up only to the first directory that exists: writes into an existing directory
        // cost one lookup, and deep trees stay linear.
        let mut missing = Vec::new();
        let mut cur = path.trim_end_matches('/');
        while !cur.is_empty() && !self.dirs.contains(cur) {
            missing.push(cur.to_string());
            cur = match cur.rfind('/') {
                Some(i) => &cur[..i],
                None => "",
            };
        }
        self.dirs.extend(missing);
    }

    /// Removes an empty or non-empty directory and everything below it.
    pub fn remove_tree(&mut self, path: &str) {
        let prefix = format!("{path}/");
        self.files.retain(|p, _| !p.starts_with(&prefix));
        self.dirs.retain(|p| p != path && !p.starts_with(&prefix));
    }

    /// The entries directly inside `dir`, sorted by name: `(name, is_dir)`.
    pub fn list_dir(&self, dir: &str) -> Vec<(String, bool)> {
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        let mut out: BTreeMap<String, bool> = BTreeMap::new();
        let entries = self
            .files
            .keys()
            .map(|p| (p, false))
            .chain(self.dirs.iter().map(|p| (p, true)));
        for (path, is_dir) in entries {
            if let Some(rest) = path.strip_prefix(&prefix) {
                match rest.split_once('/') {
                    Some((first, _)) => out.insert(first.to_string(), true),
                    None if !rest.is_empty() => out.insert(rest.to_string(), is_dir),
                    None => None,
                };
            }
        }
        out.into_iter().collect()
    }

    /// Bytes held in files, for the shell's storage cap.
    pub fn total_bytes(&self) -> usize {
        self.files.values().map(String::len).sum()
    }
}

/// Joins `path` onto `cwd` and normalises `.`/`..`/`~` (`~` is the learner's home).
pub fn resolve(cwd: &str, home: &str, path: &str) -> String {
    let joined = if let Some(rest) = path
        .strip_prefix('~')
        .filter(|r| r.is_empty() || r.starts_with('/'))
    {
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

    #[test]
    fn directories_are_explicit() {
        let mut fs = Vfs::default();
        fs.mkdir_all("/home/learner/empty");
        fs.write("/home/learner/a.yaml", "x".into());
        assert!(fs.is_dir("/home/learner/empty"));
        assert_eq!(
            fs.list_dir("/home/learner"),
            vec![("a.yaml".to_string(), false), ("empty".to_string(), true)]
        );
        assert_eq!(fs.list_dir("/"), vec![("home".to_string(), true)]);
        fs.remove_tree("/home/learner");
        assert!(!fs.is_dir("/home/learner"));
        assert!(fs.is_dir("/home"));
    }
}
