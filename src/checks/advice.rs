//! The fixes, by situation. Who wrote a var decides what fixes it:
//!
//! - the app that owns the add-on (`SECURE_KEY`): the add-on writes it;
//! - an attached app (`SERVICE_ONE_SECURE_KEY`, `SECUREKEY_CHARCOAL_KEY`):
//!   the add-on writes it too, through the attachment;
//! - a copy made by hand: only unsetting it and attaching the add-on
//!   makes it rotate;
//! - a legacy value the add-on wrote years ago: its next rotations
//!   replace it, and nothing is to be done.
//!
//! A value the add-on never writes (quotes, a third key, a letter past F)
//! was set by hand, whichever name it has. Each fix is one short command
//! (at most 100 chars for a Heroku app name and a var name of common
//! length); the step after it, if any, ends the message.

use std::borrow::Cow;

use super::Ctx;

/// Who writes a var, by its name.
pub(crate) enum Holder<'a> {
    /// `SECURE_KEY`: the add-on, on its own app.
    Owner,
    /// `NAME_KEY` of an attachment `NAME` (`*_SECURE_KEY`, `SECUREKEY_*_KEY`).
    Attached(Cow<'a, str>),
    /// Any other name (required by hand): the add-on never writes it.
    Other,
}

impl<'a> Ctx<'a> {
    /// Who writes this var, by its name.
    pub(crate) fn holder(&self) -> Holder<'a> {
        if self.var == "SECURE_KEY" {
            Holder::Owner
        } else if crate::select::is_key_var_name(self.var.as_bytes()) {
            Holder::Attached(self.alias().unwrap_or_default())
        } else {
            Holder::Other
        }
    }
}

/// The fix of a value the add-on never writes: unset it (the fix), then
/// let the add-on write it (the step, for the message).
pub(crate) fn set_by_hand(ctx: &Ctx<'_>) -> (String, String) {
    let (var, app) = (ctx.name(), ctx.app_flag());
    let fix = format!("heroku config:unset {var} {app}");
    let then = match ctx.holder() {
        Holder::Owner => format!(
            "the add-on never writes that, so it was set by hand: unset it, then let the add-on write it (no add-on yet: heroku addons:create securekey:fortnightly {app}; one already: heroku addons {app} names it, to detach and attach again)"
        ),
        Holder::Attached(alias) => format!(
            "the add-on never writes that, so it was set by hand: unset it, then attach the add-on: heroku addons:attach <addon> --as {alias} {app}"
        ),
        Holder::Other => format!(
            "the add-on never writes that: unset it, then attach the add-on under a name of its own: heroku addons:attach <addon> --as NAME {app}"
        ),
    };
    (then, fix)
}

/// The fix of a legacy value the add-on wrote: its next rotations.
pub(crate) fn next_rotation(allow: &str) -> String {
    format!("none: the add-on's next rotation replaces it (until then: --allow {allow})")
}

/// The fix of a value apps should not read raw (whitespace, case): the
/// key file holds it canonical.
pub(crate) fn read_the_key_file() -> String {
    "read the key file ($SECUREKEY_FILE), which holds it trimmed and uppercase".to_owned()
}

/// What `missing` says and fixes: the app has no `SecureKey` var at all
/// (the default), or a required one is not set.
///
/// `attached` is a `SecureKey` var the app does have (an attachment's): an
/// app with one is never told to create a second add-on.
pub(crate) fn missing(ctx: &Ctx<'_>, default: bool, attached: Option<&str>) -> (String, String) {
    let app = ctx.app_flag();
    let var = ctx.name();
    match ctx.holder() {
        Holder::Owner if !default && attached.is_some() => {
            let attached = crate::redact::shortened(attached.unwrap_or_default());
            (
                format!(
                    "SECURE_KEY is required but not set; this app has the add-on attached as {attached}: require that name instead"
                ),
                format!("securekey check {attached}"),
            )
        }
        Holder::Owner if default => (
            format!(
                "no SecureKey config var: neither SECURE_KEY nor an attachment's *_SECURE_KEY is set; if another app has the add-on, attach it instead: heroku addons:attach <addon> --as NAME_SECURE {app}"
            ),
            format!("heroku addons:create securekey:fortnightly {app}"),
        ),
        Holder::Owner => (
            format!(
                "SECURE_KEY is required but not set; if another app has the add-on, attach it instead: heroku addons:attach <addon> --as SECURE {app}"
            ),
            format!("heroku addons:create securekey:fortnightly {app}"),
        ),
        Holder::Attached(alias) => (
            format!(
                "{var} is required but not set; it comes from attaching an add-on as {alias} (find it: heroku addons --all)"
            ),
            format!("heroku addons:attach <addon> --as {alias} {app}"),
        ),
        Holder::Other => {
            // An attachment NAME sets NAME_KEY.
            let name = ctx.alias().unwrap_or(Cow::Borrowed("NAME"));
            (
                format!(
                    "{var} is required but not set; set it, or stop requiring it (the arguments, SECUREKEY_REQUIRE or securekey.json)"
                ),
                format!("heroku addons:attach <addon> --as {name} {app}"),
            )
        }
    }
}

/// The fix of a copy made by hand, found by `lint`: `owner` is the app it
/// was copied from, where `heroku addons` names the add-on.
pub(crate) fn copied(ctx: &Ctx<'_>, owner: Option<&str>) -> (String, String) {
    let (var, app) = (ctx.name(), ctx.app_flag());
    let alias = ctx.alias().unwrap_or(Cow::Borrowed("NAME"));
    let find = crate::redact::app_flag(owner);
    (
        format!(
            "unset the copy, then attach the add-on so it rotates here too: heroku addons:attach <addon> --as {alias} {app} (its name: heroku addons {find})"
        ),
        format!("heroku config:unset {var} {app}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_fix_is_one_short_command() {
        for var in [
            "SECURE_KEY",
            "SERVICE_ONE_SECURE_KEY",
            "SECUREKEY_CHARCOAL_KEY",
            "TOKEN",
        ] {
            let ctx = Ctx {
                var,
                app: Some("sleepy-reef-39125"),
            };
            let fixes = [
                set_by_hand(&ctx).1,
                missing(&ctx, true, None).1,
                missing(&ctx, false, None).1,
                missing(&ctx, false, Some("SERVICE_ONE_SECURE_KEY")).1,
                copied(&ctx, Some("service-1")).1,
                next_rotation("legacy-base36"),
                read_the_key_file(),
            ];
            for fix in fixes {
                assert!(fix.len() <= 100, "{}: {fix}", fix.len());
            }
        }
    }

    #[test]
    fn an_attached_app_is_never_told_to_create_a_second_add_on() {
        let ctx = Ctx {
            var: "SERVICE_ONE_SECURE_KEY",
            app: Some("service-2"),
        };
        let (message, fix) = missing(&ctx, false, None);
        assert!(!format!("{message} {fix}").contains("addons:create"));
        assert_eq!(
            fix,
            "heroku addons:attach <addon> --as SERVICE_ONE_SECURE -a service-2"
        );
    }
}
