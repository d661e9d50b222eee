//! `missing`: a required var is not set.

use super::{CheckId, Ctx, Problem};

pub(super) fn check(ctx: &Ctx<'_>) -> Problem {
    let app = ctx.app_flag();
    let fix = match ctx.alias() {
        _ if ctx.var == "SECURE_KEY" => format!(
            "add the add-on: `heroku addons:create securekey:fortnightly {app}`, or attach an existing one: `heroku addons:attach <securekey-addon> --as SECURE {app}`"
        ),
        Some(alias) => format!(
            "attach the add-on under this name: `heroku addons:attach <securekey-addon> --as {alias} {app}` (the add-on's name: `heroku addons --all`)"
        ),
        None => format!(
            "set it, or stop requiring it (arguments, SECUREKEY_REQUIRE or securekey.json); add-on vars end in _KEY: `heroku addons:attach <securekey-addon> --as NAME {app}`"
        ),
    };
    Problem::new(
        CheckId::Missing,
        None,
        format!("{} is required but not set", ctx.name()),
        fix,
    )
}
