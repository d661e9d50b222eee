//! Output safety (SECURITY.md). A run loads everything first and knows its
//! secrets ([`Secrets`]): every key var's value from every source read,
//! the API token, and every key-shaped word of what the user typed. Only
//! then does it print, through a [`Printer`]: untrusted text is redacted
//! on its raw bytes, then escaped for its medium (a terminal, JSON, a
//! GitHub workflow command); finished output gets one last pass over its
//! bytes with the same secrets. Nothing is guessed: text that holds no
//! secret prints as typed.
//!
//! Plus the app-name rule for suggested commands ([`app_flag`]): shell
//! syntax never lands in a `heroku …` command a user will paste.

mod app;
mod escape;
mod printer;
mod secrets;

pub use app::{APP_PLACEHOLDER, app_flag, app_or_placeholder, is_heroku_app_name};
pub use escape::{MAX_SHOWN, shortened, terminal};
pub use printer::Printer;
pub use secrets::{MASKED, REDACTED, Secrets, WINDOW};
