//! The values of the product, pricing model and target arguments, as clap value enums built from the
//! `marketplace-iam` crate's data: `--help` and the shell completions list them, a typo gets clap's suggestion, and a
//! change of policies.toml changes the command without editing it.

use std::sync::LazyLock;

use clap::ValueEnum;
use clap::builder::PossibleValue;
use marketplace_iam::{DeploymentTarget, PolicyChoice};

use crate::Unusable;

/// A product type or one of its pricing models: `saas`, `saas/subscriptions`, ... (any letter case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PolicyArg(pub(crate) PolicyChoice);

/// Every product type followed by its pricing models, in the order policies.toml declares them.
static POLICY_ARGS: LazyLock<Vec<PolicyArg>> =
    LazyLock::new(|| PolicyChoice::all().map(PolicyArg).collect());

impl ValueEnum for PolicyArg {
    fn value_variants<'a>() -> &'a [Self] {
        &POLICY_ARGS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self.0 {
            PolicyChoice::Product(p) => format!("{} (every pricing model)", p.name()),
            PolicyChoice::PricingModel(m) => match m.no_policy_reason() {
                Some(_) => format!("{} (no policy: it makes no call)", m.name()),
                None => m.name().to_owned(),
            },
        };
        Some(PossibleValue::new(self.0.id()).help(help))
    }
}

/// Where the software runs: `ec2`, `ecs`, ... (any letter case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TargetArg(pub(crate) DeploymentTarget);

static TARGET_ARGS: LazyLock<Vec<TargetArg>> = LazyLock::new(|| {
    DeploymentTarget::ALL
        .iter()
        .copied()
        .map(TargetArg)
        .collect()
});

impl ValueEnum for TargetArg {
    fn value_variants<'a>() -> &'a [Self] {
        &TARGET_ARGS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let products: Vec<&str> = self.0.serves().iter().map(|p| p.id()).collect();
        Some(PossibleValue::new(self.0.id()).help(format!(
            "{} ({})",
            self.0.name(),
            products.join(", ")
        )))
    }
}

/// The policies.toml the `marketplace-iam` crate was generated from, read by the engine once: the source of the
/// templates and of the notification routes. `Err` only if the built-in file does not parse, which the crate's
/// build refuses.
static POLICIES: LazyLock<Result<marketplace_iam_model::Policies, String>> = LazyLock::new(|| {
    marketplace_iam_model::parse("policies.toml", marketplace_iam::POLICIES_TOML)
        .map_err(|e| e.to_string())
});

/// The built-in policies.toml, read by the engine.
pub(crate) fn policies() -> Result<&'static marketplace_iam_model::Policies, Unusable> {
    POLICIES.as_ref().map_err(|e| {
        Unusable(format!(
            "internal error: the built-in policies.toml is invalid:\n{e}"
        ))
    })
}

/// The built-in data's notification routes (none if it does not parse; the command then reports why).
fn routes() -> &'static [marketplace_iam_model::NotificationRoute] {
    POLICIES
        .as_ref()
        .map_or(&[], |p| p.notifications.as_slice())
}

/// A product type that has notification routes: `saas` (any letter case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotifiedProductArg(pub(crate) &'static str);

static NOTIFIED_PRODUCT_ARGS: LazyLock<Vec<NotifiedProductArg>> = LazyLock::new(|| {
    let mut out: Vec<NotifiedProductArg> = Vec::new();
    for route in routes() {
        if !out.iter().any(|p| p.0 == route.product) {
            out.push(NotifiedProductArg(&route.product));
        }
    }
    out
});

impl ValueEnum for NotifiedProductArg {
    fn value_variants<'a>() -> &'a [Self] {
        &NOTIFIED_PRODUCT_ARGS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let name = POLICIES
            .as_ref()
            .ok()
            .and_then(|p| p.product(self.0))
            .map_or(self.0, |p| p.name.as_str());
        Some(PossibleValue::new(self.0).help(format!("{name} products")))
    }
}

/// A notification route of the product: `sns`, `eventbridge` (any letter case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RouteArg(pub(crate) &'static marketplace_iam_model::NotificationRoute);

static ROUTE_ARGS: LazyLock<Vec<RouteArg>> =
    LazyLock::new(|| routes().iter().map(RouteArg).collect());

impl ValueEnum for RouteArg {
    fn value_variants<'a>() -> &'a [Self] {
        &ROUTE_ARGS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(
            PossibleValue::new(self.0.id.as_str())
                .help(format!("{} ({} products)", self.0.name, self.0.product)),
        )
    }
}
