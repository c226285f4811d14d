//! `Session`: the one entry point every front end uses. It owns the cluster and the workstation
//! terminal, takes input lines, and returns what the terminal shows.

use crate::cluster::Cluster;
use crate::sim::Duration;
use crate::vfs::Vfs;
use crate::{kubectl, CommandOutput};

pub struct Session {
    pub cluster: Cluster,
    seed: u64,
    /// The workstation's files. Never touches a real disk.
    pub fs: Vfs,
    pub cwd: String,
    /// The kubeconfig context's namespace.
    pub namespace: String,
}

/// The learner's home directory on the workstation.
pub const HOME: &str = "/home/learner";

impl Session {
    /// A fresh, ready cluster. The same seed and the same inputs give byte-identical output on
    /// every target.
    pub fn new(seed: u64) -> Session {
        Session {
            cluster: Cluster::new(seed),
            seed,
            fs: Vfs::default(),
            cwd: HOME.to_string(),
            namespace: "default".to_string(),
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The workstation prompt.
    pub fn prompt(&self) -> String {
        "learner@workstation:~$ ".to_string()
    }

    /// Puts a file into the workstation's home directory (the CLI's `--dir`, lesson files).
    pub fn add_file(&mut self, name: &str, contents: &str) {
        self.fs
            .write(&format!("{HOME}/{name}"), contents.to_string());
    }

    /// Feeds one input line. Returns `None` while the line continues an unfinished command (an
    /// open heredoc or quote), else the output of the complete command.
    pub fn feed(&mut self, line: &str) -> Option<CommandOutput> {
        Some(self.exec(line))
    }

    /// Runs one command line typed at the workstation terminal.
    pub fn exec(&mut self, line: &str) -> CommandOutput {
        let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        match words.first().map(String::as_str) {
            None => CommandOutput::default(),
            Some("kubectl") => {
                let mut io = kubectl::KubectlIo {
                    fs: &mut self.fs,
                    cwd: &self.cwd,
                    stdin: "",
                    namespace: &mut self.namespace,
                };
                kubectl::run(&mut self.cluster, &mut io, &words[1..])
            }
            Some("sleep") => match words.get(1).and_then(|s| s.parse::<u64>().ok()) {
                Some(secs) => {
                    self.advance(Duration::from_secs(secs));
                    CommandOutput::default()
                }
                None => CommandOutput::stderr("sleep: missing operand\n", 1),
            },
            Some(cmd) => CommandOutput::stderr(format!("bash: {cmd}: command not found\n"), 127),
        }
    }

    /// Moves simulated time forward; controllers and the kubelet act within it.
    pub fn advance(&mut self, d: Duration) {
        self.cluster.advance(d);
    }
}
