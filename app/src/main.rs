//! Browser entry point: mounts the playground (index.html's loading note hides itself once the
//! page has a `.playground`).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(kubeplay_app::App);
}
