//! Output safety (SPEC §10): the one layer every piece of untrusted text
//! goes through on its way out, and the last guard on the output itself.
//!
//! Two guards, because either alone can be wrong:
//!
//! - [`Untrusted`] prints text the user put where a name, a label, a path,
//!   an app name or an option value belongs. Key-shaped stretches of it
//!   ([`key_spans`]) become [`REDACTED`]; control, bidi and invisible
//!   characters are escaped, so no forged line or terminal escape gets out;
//!   absurdly long text is shortened. One `Untrusted` prints at most
//!   [`MAX_UNTRUSTED_BYTES`], whatever its input: that keeps reports linear.
//! - [`Mask`] knows the key vars' values and masks, in the final output, any
//!   8 letters and digits in a row (separators skipped, any case) that are 8
//!   in a row of a value ([`MaskedWriter`] for streams). It catches what the
//!   first guard cannot know: an 8-char piece of a real key, printed by
//!   whatever mistake.
//!
//! Plus the app-name rule for suggested commands ([`app_flag`]): shell
//! syntax never lands in a `heroku …` command a user will paste.
//!
//! This is the bottom layer: it depends on `std` only. Inside it, from the
//! bottom: `spans` (what is key-shaped), then `untrusted` and `app` on top
//! of it; apart from those, `window` (windows of 8 chars and sets of them),
//! then `mask` on top of it.

mod app;
mod mask;
mod spans;
#[cfg(test)]
mod testing;
mod untrusted;
mod window;

pub use app::{APP_PLACEHOLDER, app_flag, app_or_placeholder, is_heroku_app_name};
pub use mask::{INDEX_MAX_WINDOWS, MASKED, Mask, MaskedWriter};
pub use spans::{KeySpans, MIN_HEX_RUN, key_spans, looks_like_key, may_hold_key_piece};
pub use untrusted::{MAX_SHOWN, MAX_UNTRUSTED_BYTES, REDACTED, Untrusted, untrusted};
