//! Pictures for the seed lab's kubeanimals app: the `r.deso.tech/whoami/whoami` image answers
//! with a character's picture when `NAME_APPLICATION` names one. These drawings are our own,
//! made for this playground (the lab's original art is not copied).

/// The picture for a `NAME_APPLICATION` value, if the image knows that character.
pub fn picture(name: &str) -> Option<&'static str> {
    match name.to_ascii_lowercase().as_str() {
        "phippy" => Some(PHIPPY),
        "captainkube" | "captain-kube" => Some(CAPTAIN_KUBE),
        "zee" => Some(ZEE),
        "goldie" => Some(GOLDIE),
        _ => None,
    }
}

// A giraffe: Phippy, the blue version (1.0) of the lab.
const PHIPPY: &str = r#"
          ()  ()
           \__/
          ( o  \___
           \      _)
            |  .-'
            | (       PHIPPY
            |  \      version 1.0
            | . \
           _|  . \__________
          /  .    .   .     \
         |  .   .    .   .   |
          \_  ___________  _/
            ||           ||
            ||           ||
           (__)         (__)
"#;

// A ship's wheel under a captain's cap: Captain Kube, the green version (2.0).
const CAPTAIN_KUBE: &str = r#"
            _________
          _/_________\_
         (_____[*]_____)
             \     /
        .-----'---'-----.
       /    \   |   /    \
      |  ----( ( o ) )----|    CAPTAIN KUBE
       \    /   |   \    /     version 2.0
        '-----.---.-----'
              |   |
           ~~~~~~~~~~~~~
         ~~~~~~~~~~~~~~~~~
"#;

// A zebra's head, stripes and all.
const ZEE: &str = r#"
         /\  /\
        / ||||  \
       | ||||||  |
       |  o  o   |     ZEE
        \ ||||  /
         \ __  /
          (oo)
"#;

// A goldfish.
const GOLDIE: &str = r#"
              ___
         __  /   \__
        /  \/  o    \     GOLDIE
        \  /\       /
         --  \___--'
"#;
