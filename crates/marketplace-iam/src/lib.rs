//! The IAM permissions an AWS Marketplace seller integration needs, as typed constants checked at compile time.
//!
//! Everything in this crate that restates data is generated from the project's `policies.toml` by the code
//! generation of [`policies!`], ahead of time (`cargo xtask gen-docs` writes it to `src/generated/`, so a service
//! that uses the project's products compiles no proc macro): the IAM actions ([`Action`] and one `&'static str`
//! constant each), the product types ([`ProductType`]) and their pricing models ([`PricingModel`]) with the exact
//! policy JSON that is published for each, a marker type per action, product type and pricing model, and the
//! [`Grants`] trait implemented exactly where `policies.toml` grants an action.
//!
//! # Quick start
//!
//! Bound each function that makes an AWS Marketplace call by the grant it needs. A service built for a product
//! type whose policy lacks the action does not compile, instead of failing with AccessDenied in production.
//!
//! ```
//! use marketplace_iam::{BatchMeterUsage, Grants, Policy, ResolveCustomer, Saas, SaasSubscriptions};
//!
//! /// Sends usage records; only products whose policy grants BatchMeterUsage may call it.
//! fn meter_usage<P: Grants<BatchMeterUsage>>(records: &[(&str, u32)]) -> String {
//!     // ... call the AWS SDK's BatchMeterUsage here ...
//!     format!("{} records under the {} policy", records.len(), P::NAME)
//! }
//!
//! /// Resolves a registration token; SaaS only.
//! fn resolve_customer<P: Grants<ResolveCustomer>>(token: &str) -> usize {
//!     token.len()
//! }
//!
//! assert_eq!(meter_usage::<Saas>(&[("customer", 3)]), "1 records under the SaaS policy");
//! assert_eq!(meter_usage::<SaasSubscriptions>(&[]), "0 records under the SaaS Subscriptions policy");
//! resolve_customer::<SaasSubscriptions>("token");
//!
//! // The policy to attach to the integration's role, byte for byte the published docs/policies/saas-subscriptions.json:
//! let json = SaasSubscriptions::POLICY_JSON.unwrap();
//! assert!(json.contains(marketplace_iam::BATCH_METER_USAGE));
//! ```
//!
//! The same call for an AMI product, whose policy grants only MeterUsage, is a compile error:
//!
//! ```compile_fail
//! use marketplace_iam::{Ami, BatchMeterUsage, Grants};
//! fn meter_usage<P: Grants<BatchMeterUsage>>() {}
//! meter_usage::<Ami>(); // error: `Ami` is not granted `BatchMeterUsage`: its policy in policies.toml does not list that action
//! ```
//!
//! [`require!`] states the same at the top of a module, pointing the error at the action the product lacks:
//!
//! ```
//! marketplace_iam::require!(marketplace_iam::SaasContracts: marketplace_iam::ResolveCustomer, marketplace_iam::GetEntitlements);
//! ```
//!
//! # Values at run time
//!
//! ```
//! use marketplace_iam::{Action, PricingModel, ProductType};
//!
//! // IAM matches action names ignoring case; so does parsing.
//! let action: Action = "aws-marketplace:meterusage".parse()?;
//! assert_eq!(action, Action::MeterUsage);
//!
//! let product: ProductType = "container".parse()?;
//! assert!(product.grants(Action::RegisterUsage));
//! for model in product.pricing_models() {
//!     println!("{model}: {:?}", model.actions());
//! }
//! // AMI products with hourly or annual pricing make no call and need no policy.
//! let hourly: PricingModel = "ami/hourly-annual".parse()?;
//! assert_eq!(hourly.policy_json(), None);
//! assert!(hourly.no_policy_reason().is_some());
//! # Ok::<(), marketplace_iam::ParseError>(())
//! ```
//!
//! # Deployable roles (feature `roles`)
//!
//! [`DeploymentTarget`] says where a product's software runs, which role signs its calls there and that role's trust
//! policy. With the `roles` feature, `RoleBuilder` turns a product type or pricing model, a target and validated
//! parameters into the role's trust and permissions policies, with an optional permissions boundary
//! (`RoleBuilder::permissions_boundary`, a managed policy's ARN in any partition).
//!
//! # Your own policies.toml
//!
//! A seller who extends the data (their own product, say) turns on the `macros` feature and invokes [`policies!`]
//! in their own crate with `policies!(path = "policies.toml")`; the path is relative to that crate's `Cargo.toml`,
//! and the crate rebuilds when the file changes. Every mistake in the file is a compile error located
//! `policies.toml:line:col`.
//!
//! The expansion holds data only: it names this crate's vocabulary by path. Its marker types implement this crate's
//! [`Policy`], its grants are impls of [`GrantedTo`] on this crate's action markers ([`actions`]), and its enums parse
//! into this crate's [`ParseError`]. So [`require!`], `marketplace-iam-sdk`'s clients and `RoleBuilder` take a seller's
//! types exactly as they take this crate's:
//!
//! ```
//! mod acme {
//!     marketplace_iam::policies!(source = r#"
//! schema_version = 1
//! [page]
//! title = "Acme"
//! anchor = "acme"
//! intro = ["Acme's permissions."]
//! [[actions]]
//! id = "BatchMeterUsage"
//! name = "aws-marketplace:BatchMeterUsage"
//! service = "metering"
//! access_level = "Write"
//! purpose = "Sends usage records."
//! api_reference = "https://docs.aws.amazon.com/marketplacemetering/latest/APIReference/API_BatchMeterUsage.html"
//! [[products]]
//! id = "acme"
//! name = "Acme"
//! title = "Acme"
//! anchor = "acme"
//! actions = ["BatchMeterUsage"]
//! "#);
//! }
//!
//! use marketplace_iam::{BatchMeterUsage, Grants, Policy};
//!
//! fn meter<P: Grants<BatchMeterUsage>>() -> &'static str {
//!     P::NAME
//! }
//! // The seller's marker and the project's action marker meet in the project's trait.
//! assert_eq!(meter::<acme::Acme>(), "Acme");
//! marketplace_iam::require!(acme::Acme: BatchMeterUsage);
//! assert_eq!(acme::Acme::SPEC.id(), "acme");
//! ```

// Without the `macros` feature, this crate's `policies!` is a hidden stub that says to turn the feature on: the
// crate docs link to the proc-macro crate's.
#![cfg_attr(
    not(feature = "macros"),
    doc = "[`policies!`]: https://docs.rs/marketplace-iam-macros/latest/marketplace_iam_macros/macro.policies.html"
)]
#![forbid(unsafe_code)]

// The expansions of `policies!` name the vocabulary by `::marketplace_iam::...`, here (src/generated/) as in a
// seller's crate.
extern crate self as marketplace_iam;

/// Expands a policies.toml into the typed API this crate exposes (see the crate documentation).
///
/// A seller invokes it on their own file, in their own crate, to get the same API for their own products:
/// `marketplace_iam::policies!(path = "policies.toml");`. The generated types implement this crate's traits
/// ([`Policy`], [`Grants`]) and use its action markers ([`actions`]), so they work with [`require!`],
/// `marketplace-iam-sdk`'s clients and `RoleBuilder`.
///
/// Arguments (each optional, separated by commas):
///
/// - `path = "config/policies.toml"`: the file, relative to the invoking crate's `Cargo.toml` (default
///   `policies.toml`); editing it rebuilds the crate.
/// - `source = "..."`: inline TOML instead of a file (for tests).
/// - `crate = some::path`: where this crate is, for a crate that re-exports it (default `::marketplace_iam`), as
///   serde's `#[serde(crate = "...")]`.
///
/// Only with the `macros` feature. This crate's own items need no macro: they are its expansion of the project's
/// policies.toml, generated ahead of time (`src/generated/`, by `cargo xtask gen-docs` with the same code
/// generation).
#[cfg(feature = "macros")]
pub use marketplace_iam_macros::policies;

/// Without the `macros` feature, `policies!` is a compile error that says how to turn the feature on.
#[cfg(not(feature = "macros"))]
#[doc(hidden)]
#[macro_export]
macro_rules! policies {
    ($($tokens:tt)*) => {
        ::core::compile_error! {
            "`marketplace_iam::policies!` needs the `macros` feature of marketplace-iam: \
             `marketplace-iam = { version = \"0.1\", features = [\"macros\"] }` in Cargo.toml \
             (the project's own products need no macro: use `marketplace_iam::Saas` and the others directly)"
        }
    };
}

mod expansion;
mod vocabulary;

pub use vocabulary::{
    AccessLevel, GrantedTo, Grants, IamAction, Parameter, ParseError, Policy, PolicySpec,
    TargetSpec, ValueKind,
};

/// One marker type per action of AWS's catalog, by IAM prefix, for bounds such as `P: Grants<A>`.
///
/// The actions a policies.toml declares are also re-exported where it is expanded (this crate's root for its own
/// file: [`BatchMeterUsage`] is [`actions::aws_marketplace::BatchMeterUsage`]).
///
/// ```
/// use marketplace_iam::IamAction;
/// use marketplace_iam::actions::aws_marketplace::StartChangeSet;
/// use marketplace_iam::actions::license_manager::CheckoutLicense;
///
/// assert_eq!(StartChangeSet::NAME, "aws-marketplace:StartChangeSet");
/// assert_eq!(StartChangeSet::ACCESS_LEVEL, marketplace_iam::AccessLevel::Write);
/// assert_eq!(CheckoutLicense::NAME, "license-manager:CheckoutLicense");
/// ```
pub mod actions {
    include!("generated/catalog.rs");

    /// Where a broken policies.toml's actions that are not in AWS's catalog point, while its errors are reported.
    #[doc(hidden)]
    pub mod __unknown {
        pub use crate::__private::UnknownAction;
    }
}

// The items of the project's policies.toml: what `policies!()` expands to here, written by `cargo xtask gen-docs`.
include!("generated/policies.rs");

#[cfg(feature = "roles")]
mod role;
#[cfg(feature = "roles")]
pub use role::{PolicyChoice, Role, RoleBuilder, RoleError};

/// Asserts at compile time that a product type or pricing model's policy grants every listed action.
///
/// ```
/// use marketplace_iam::{require, Saas, BatchMeterUsage, GetEntitlements};
/// require!(Saas: BatchMeterUsage, GetEntitlements);
/// ```
///
/// A SaaS product's notification consumer has a policy of its own, one per notification route
/// (`SaasSnsConsumer`, `SaasEventbridgeConsumer`): the queue's actions, and nothing of metering.
///
/// ```
/// use marketplace_iam::{require, Grants, Policy, SaasSnsConsumer, ReceiveMessage, DeleteMessage};
/// require!(SaasSnsConsumer: ReceiveMessage, DeleteMessage);
///
/// fn poll<P: Grants<ReceiveMessage> + Grants<DeleteMessage>>() -> &'static str {
///     P::SPEC.id()
/// }
/// assert_eq!(poll::<SaasSnsConsumer>(), "saas/sns-consumer");
/// assert!(SaasSnsConsumer::SPEC.policy_json().unwrap().contains("${QueueName}"));
/// ```
///
/// ```compile_fail
/// use marketplace_iam::{require, SaasSnsConsumer, BatchMeterUsage};
/// require!(SaasSnsConsumer: BatchMeterUsage); // error: the consumer does not meter
/// ```
///
/// When an action is missing, the error names the policy and the action, and points at the action:
///
/// ```compile_fail
/// use marketplace_iam::{require, Ami, BatchMeterUsage};
/// require!(Ami: BatchMeterUsage); // error: `Ami` is not granted `BatchMeterUsage` ...
/// ```
#[macro_export]
macro_rules! require {
    ($policy:ty : $($action:ty),+ $(,)?) => {
        const _: () = { $($crate::__private::granted::<$action, $policy>();)+ };
    };
    ($($tokens:tt)*) => {
        ::core::compile_error! {
            "expected `Policy: Action, ...` (a product type or pricing model, `:`, then one action or more), \
             e.g. `require!(Saas: BatchMeterUsage)`"
        }
    };
}

/// `Serialize` and `Deserialize` of a generated enum by its id, with the `serde` feature; nothing without it.
#[cfg(feature = "serde")]
#[doc(hidden)]
#[macro_export]
macro_rules! __serde_by_id {
    ($ty:ident, $id:ident) => {
        impl $crate::__private::serde::Serialize for $ty {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.$id())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                deserializer.deserialize_str($crate::__private::FromStrVisitor::<$ty>(
                    ::core::marker::PhantomData,
                ))
            }
        }
    };
}

/// `Serialize` and `Deserialize` of a generated enum by its id, with the `serde` feature; nothing without it.
#[cfg(not(feature = "serde"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __serde_by_id {
    ($ty:ident, $id:ident) => {};
}

#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "serde")]
    pub use serde;

    /// Compiles only where `P: Grants<A>` holds; `require!` calls it. The bound is written on the action, so that an
    /// unmet one is reported at the action the policy lacks.
    pub const fn granted<A: crate::IamAction + crate::GrantedTo<P>, P: crate::Policy>() {}

    /// Only `policies!` implements [`Policy`](crate::Policy): its data and its grants come from one validated file.
    pub trait Sealed {}

    /// The action marker of a name a broken policies.toml declares that is not in AWS's catalog: it keeps the user's
    /// code free of secondary errors while the file's own errors are reported.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
    pub struct UnknownAction;

    impl crate::vocabulary::sealed::Action for UnknownAction {}

    impl crate::IamAction for UnknownAction {
        const NAME: &'static str = "";
        const ACCESS_LEVEL: crate::AccessLevel = crate::AccessLevel::Read;
    }

    /// Deserializes a value by its `FromStr`.
    #[cfg(feature = "serde")]
    pub struct FromStrVisitor<T>(pub core::marker::PhantomData<T>);

    #[cfg(feature = "serde")]
    impl<T> serde::de::Visitor<'_> for FromStrVisitor<T>
    where
        T: core::str::FromStr<Err = crate::ParseError>,
    {
        type Value = T;

        fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str("an id from policies.toml as a string")
        }

        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<T, E> {
            s.parse().map_err(E::custom)
        }
    }
}
