//! What the Platform API says about the apps `lint --app/--addon` read, as
//! plain data: which add-ons are `SecureKey`, which var each attachment sets,
//! and when a pair last changed. The live checks (`not-attached`,
//! `attached-differs`, `stale-rotation`) are pure functions of these facts
//! and the vars' reports; only `heroku::live` talks to the API.

/// The source name of an app read live: `heroku:APP`.
#[must_use]
pub fn source_name(app: &str) -> String {
    format!("heroku:{app}")
}

/// Everything the live read learnt, besides the config vars themselves.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LiveFacts {
    /// Each app read, in the order given.
    pub apps: Vec<AppFacts>,
    /// Each `SecureKey` add-on attached to one of them.
    pub addons: Vec<AddonFacts>,
}

/// One app read live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppFacts {
    /// The app's name, as the API gives it.
    pub name: String,
    /// The config var each of its `SecureKey` attachments sets.
    pub attachments: Vec<Attachment>,
}

/// A `SecureKey` add-on attached to an app: the var it sets there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// The attachment's name (`SERVICE_ONE_SECURE`).
    pub name: String,
    /// The add-on's id (an index into nothing: match on it).
    pub addon_id: String,
    /// The var the add-on writes on this app (`SERVICE_ONE_SECURE_KEY`).
    pub var: String,
}

/// How an add-on was known to be `SecureKey`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Known {
    /// From its details: `addon_service.name` is `securekey`.
    Details,
    /// Its details were forbidden (another team's add-on): from its name,
    /// which starts `securekey-`. Its plan is unknown.
    NamePrefix,
}

/// One `SecureKey` add-on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddonFacts {
    /// Its id.
    pub id: String,
    /// Its name (`securekey-solid-14332`).
    pub name: String,
    /// The app that owns it (bills for it).
    pub owner_app: String,
    /// The plan (`securekey:fortnightly`), when its details could be read.
    pub plan: Option<String>,
    /// How it was known to be `SecureKey`.
    pub known: Known,
    /// When its pair last changed, if that was found.
    pub rotation: Option<Rotation>,
}

/// When a pair last changed, from an app's releases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rotation {
    /// The app whose releases were read.
    pub app: String,
    /// The var compared across its releases.
    pub var: String,
    /// The first release holding the current pair.
    pub release: u64,
    /// That release's `created_at`, in seconds since the Unix epoch.
    pub changed_at: i64,
    /// The API's clock when it was read (its `Date`), in the same unit.
    pub now: i64,
}

/// Seconds in a day.
pub const DAY: i64 = 24 * 60 * 60;

impl AddonFacts {
    /// How often the plan rotates: daily, weekly, fortnightly, else 28 days
    /// (the provider's own rule, for any other plan and an unknown one).
    #[must_use]
    pub fn period_days(&self) -> i64 {
        let plan = self.plan.as_deref().unwrap_or("");
        let tier = plan.rsplit(':').next().unwrap_or(plan);
        match tier {
            "daily" => 1,
            "weekly" => 7,
            "fortnightly" => 14,
            _ => 28,
        }
    }
}

impl LiveFacts {
    /// The facts of the app whose vars came from `source`, if it was read live.
    #[must_use]
    pub fn app_of_source(&self, source: &str) -> Option<&AppFacts> {
        let name = source.strip_prefix("heroku:")?;
        self.apps.iter().find(|a| a.name == name)
    }

    /// The add-on of this id.
    #[must_use]
    pub fn addon(&self, id: &str) -> Option<&AddonFacts> {
        self.addons.iter().find(|a| a.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_periods() {
        let mut addon = AddonFacts {
            id: "x".into(),
            name: "securekey-solid-14332".into(),
            owner_app: "service-1".into(),
            plan: None,
            known: Known::NamePrefix,
            rotation: None,
        };
        assert_eq!(addon.period_days(), 28);
        for (plan, days) in [
            ("securekey:daily", 1),
            ("securekey:weekly", 7),
            ("securekey:fortnightly", 14),
            ("securekey:monthly", 28),
        ] {
            addon.plan = Some(plan.into());
            assert_eq!(addon.period_days(), days, "{plan}");
        }
    }
}
