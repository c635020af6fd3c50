//! The values of the product, pricing model and target arguments, as clap value enums built from the
//! `marketplace-iam` crate's data: `--help` and the shell completions list them, a typo gets clap's suggestion, and a
//! change of policies.toml changes the command without editing it.

use std::sync::LazyLock;

use clap::ValueEnum;
use clap::builder::PossibleValue;
use marketplace_iam::{DeploymentTarget, PolicyChoice};

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
