//! The shapes of the items `policies!` generates, as `macro_rules!` that an expansion invokes by path with the data
//! of its policies.toml: rows of a few tokens per action, product type, pricing model and deployment target. The
//! code is written here once, in Rust, and compiled only where it is expanded; the proc macro emits data.
//!
//! Each macro takes `examples { ... }`: doc attributes that the expansion for this crate's own policies.toml adds
//! (runnable examples whose paths are right only here), empty elsewhere. Item paths in a `macro_rules!` body resolve
//! where it is invoked, so `Action`, `ProductType` and `__policies_toml` are the expansion's own.

/// `Action`: one variant per row, its tables, a constant per action, and the re-exported action markers.
#[doc(hidden)]
#[macro_export]
macro_rules! __actions {
    (
        examples {
            enum: [$(#[$e_enum:meta])*], all: [$(#[$e_all:meta])*], as_str: [$(#[$e_as_str:meta])*],
            id: [$(#[$e_id:meta])*], purpose: [$(#[$e_purpose:meta])*], level: [$(#[$e_level:meta])*]
        }
        rows {
            $($variant:ident $konst:ident $name:literal $purpose:literal $level:ident $example:literal
                $module:ident $marker:ident;)*
        }
    ) => {
        /// An IAM action that policies.toml declares: one variant per action.
        ///
        /// Variant names are the action ids of policies.toml; each also has a marker type of the same name (for
        /// `Grants`) and a `&'static str` constant.
        $(#[$e_enum])*
        // Debug is written by hand from the id table: the derived one is a match with an arm per action.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Action {
            $(
                #[doc = ::core::concat!("`", $name, "`: ", $purpose)]
                $variant,
            )*
        }

        impl Action {
            /// Every action, in the order policies.toml declares them.
            $(#[$e_all])*
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];

            $crate::__table!(
                /// The exact IAM action name, e.g. `aws-marketplace:BatchMeterUsage`.
                $(#[$e_as_str])*
                as_str -> &'static str: [$($name),*]
            );

            $crate::__table!(
                /// The action's id in policies.toml (its name without the service prefix).
                $(#[$e_id])*
                id -> &'static str: [$(::core::stringify!($variant)),*]
            );

            $crate::__table!(
                /// What a seller's integration uses the action for, in one line.
                $(#[$e_purpose])*
                purpose -> &'static str: [$($purpose),*]
            );

            $crate::__table!(
                /// The action's IAM access level, as AWS's catalog gives it.
                $(#[$e_level])*
                access_level -> $crate::AccessLevel: [$($crate::AccessLevel::$level),*]
            );
        }

        $(
            #[doc = ::core::concat!("The IAM action name `", $name, "`.", $example)]
            pub const $konst: &str = $name;

            pub use $crate::actions::$module::$marker as $variant;
        )*

        impl ::core::fmt::Debug for Action {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.id())
            }
        }

        /// Shows the IAM action name, which [`FromStr`](::core::str::FromStr) reads back.
        impl ::core::fmt::Display for Action {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Parses an IAM action name the way IAM matches them: ignoring letter case.
        impl ::core::str::FromStr for Action {
            type Err = $crate::ParseError;
            fn from_str(s: &str) -> ::core::result::Result<Self, $crate::ParseError> {
                Action::ALL
                    .iter()
                    .copied()
                    .find(|a| a.as_str().eq_ignore_ascii_case(s))
                    .ok_or_else(|| $crate::ParseError::new($crate::ValueKind::Action, s))
            }
        }

        $crate::__serde_by_id!(Action, as_str);

        /// The IAM names of `actions`, as an array of the length the caller knows.
        #[doc(hidden)]
        pub const fn __action_names<const N: usize>(actions: &[Action]) -> [&'static str; N] {
            let mut names = [""; N];
            let mut i = 0;
            while i < N {
                names[i] = actions[i].as_str();
                i += 1;
            }
            names
        }
    };
}

/// `ProductType`: one variant per row, with its policy's actions, document and pricing models.
#[doc(hidden)]
#[macro_export]
macro_rules! __product_types {
    (
        examples {
            enum: [$(#[$e_enum:meta])*], all: [$(#[$e_all:meta])*], id: [$(#[$e_id:meta])*],
            name: [$(#[$e_name:meta])*], actions: [$(#[$e_actions:meta])*], policy_json: [$(#[$e_json:meta])*],
            pricing_models: [$(#[$e_models:meta])*], grants: [$(#[$e_grants:meta])*]
        }
        rows { $($variant:ident $id:literal $name:literal [$($action:ident)*] [$($model:ident)*] $spec:ident;)* }
    ) => {
        /// A product type of policies.toml, with the policy AWS documents for it.
        $(#[$e_enum])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ProductType {
            $(
                #[doc = ::core::concat!($name, " products (`", $id, "`).")]
                $variant,
            )*
        }

        impl ProductType {
            /// Every product type, in the order policies.toml declares them.
            $(#[$e_all])*
            pub const ALL: &'static [ProductType] = &[$(ProductType::$variant),*];

            $crate::__table!(
                /// The product's id (`saas`): its published policy is `docs/policies/<id>.json`.
                $(#[$e_id])*
                id -> &'static str: [$($id),*]
            );

            $crate::__table!(
                /// The product type's display name (`SaaS`).
                $(#[$e_name])*
                name -> &'static str: [$($name),*]
            );

            $crate::__table!(
                /// The actions of the product's policy, in the order the policy lists them.
                $(#[$e_actions])*
                actions -> &'static [Action]: [$(&[$(Action::$action),*]),*]
            );

            /// The product's IAM policy document, byte for byte the published `docs/policies/<id>.json`.
            $(#[$e_json])*
            pub const fn policy_json(self) -> &'static str {
                match self.spec().policy_json() {
                    ::core::option::Option::Some(json) => json,
                    ::core::option::Option::None => "",
                }
            }

            $crate::__table!(
                /// The product's pricing models, in the order policies.toml declares them.
                $(#[$e_models])*
                pricing_models -> &'static [PricingModel]: [$(&[$(PricingModel::$model),*]),*]
            );

            $crate::__table!(
                /// Everything policies.toml says about the product's policy: what a role is built from.
                spec -> &'static $crate::PolicySpec: [$(&__policies_toml::$spec),*]
            );

            /// Whether the product's policy grants `action`.
            $(#[$e_grants])*
            pub const fn grants(self, action: Action) -> bool {
                let actions = self.actions();
                let mut i = 0;
                while i < actions.len() {
                    if actions[i] as usize == action as usize {
                        return true;
                    }
                    i += 1;
                }
                false
            }
        }

        $crate::__by_id!(ProductType, PolicySpec, "the product's id (`saas`)");
    };
}

/// `PricingModel`: one variant per row, with its least-privilege actions and its policy.
#[doc(hidden)]
#[macro_export]
macro_rules! __pricing_models {
    (
        examples {
            enum: [$(#[$e_enum:meta])*], all: [$(#[$e_all:meta])*], id: [$(#[$e_id:meta])*],
            name: [$(#[$e_name:meta])*], product: [$(#[$e_product:meta])*], actions: [$(#[$e_actions:meta])*],
            policy_json: [$(#[$e_json:meta])*], no_policy_reason: [$(#[$e_reason:meta])*]
        }
        rows {
            $($variant:ident $id:literal $name:literal $description:literal $product:ident [$($action:ident)*]
                $spec:ident;)*
        }
    ) => {
        /// A pricing model of a product type, with the least-privilege set of actions it calls.
        $(#[$e_enum])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum PricingModel {
            $(
                #[doc = ::core::concat!($name, " (`", $id, "`): ", $description)]
                $variant,
            )*
        }

        impl PricingModel {
            /// Every pricing model of every product, in the order policies.toml declares them.
            $(#[$e_all])*
            pub const ALL: &'static [PricingModel] = &[$(PricingModel::$variant),*];

            $crate::__table!(
                /// `<product>/<model>`, e.g. `saas/subscriptions`; its published policy is
                /// `docs/policies/<product>-<model>.json`.
                $(#[$e_id])*
                id -> &'static str: [$($id),*]
            );

            $crate::__table!(
                /// Display name, product first (`SaaS Subscriptions`).
                $(#[$e_name])*
                name -> &'static str: [$($name),*]
            );

            $crate::__table!(
                /// The product type the model belongs to.
                $(#[$e_product])*
                product -> ProductType: [$(ProductType::$product),*]
            );

            $crate::__table!(
                /// The least-privilege actions the model calls; empty when it makes no call.
                $(#[$e_actions])*
                actions -> &'static [Action]: [$(&[$(Action::$action),*]),*]
            );

            /// The model's IAM policy document, byte for byte the published file; `None` when the model makes no
            /// call and needs no policy (see [`no_policy_reason`](Self::no_policy_reason)).
            $(#[$e_json])*
            pub const fn policy_json(self) -> ::core::option::Option<&'static str> {
                self.spec().policy_json()
            }

            /// Why the model needs no policy, for the models that make no call.
            $(#[$e_reason])*
            pub const fn no_policy_reason(self) -> ::core::option::Option<&'static str> {
                self.spec().no_policy_reason()
            }

            $crate::__table!(
                /// Everything policies.toml says about the model's policy: what a role is built from.
                spec -> &'static $crate::PolicySpec: [$(&__policies_toml::$spec),*]
            );
        }

        $crate::__by_id!(PricingModel, PolicySpec, "`<product>/<model>` (`saas/subscriptions`)");
    };
}

/// `DeploymentTarget`: one variant per row, with its role's signer and trust policy template. Few rows, so plain
/// `match`es (which also hold for a file that declares no target).
#[doc(hidden)]
#[macro_export]
macro_rules! __deployment_targets {
    (
        examples {
            enum: [$(#[$e_enum:meta])*], all: [$(#[$e_all:meta])*], id: [$(#[$e_id:meta])*],
            name: [$(#[$e_name:meta])*], signer: [$(#[$e_signer:meta])*], trust: [$(#[$e_trust:meta])*],
            parameters: [$(#[$e_parameters:meta])*], instance_profile: [$(#[$e_profile:meta])*],
            serves: [$(#[$e_serves:meta])*]
        }
        rows {
            $($variant:ident $id:literal $name:literal $signer:literal $trust:literal [$($parameter:ident)*]
                $instance_profile:literal [$($serves:ident)*] $spec:ident;)*
        }
    ) => {
        /// Where a product's software runs, which IAM role signs its calls there, and that role's trust policy.
        $(#[$e_enum])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum DeploymentTarget {
            $(
                #[doc = ::core::concat!($name, " (`", $id, "`): ", $signer)]
                $variant,
            )*
        }

        impl DeploymentTarget {
            /// Every target, in the order policies.toml declares them.
            $(#[$e_all])*
            pub const ALL: &'static [DeploymentTarget] = &[$(DeploymentTarget::$variant),*];

            /// The target's id (`ecs`).
            $(#[$e_id])*
            pub const fn id(self) -> &'static str {
                match self {
                    $(DeploymentTarget::$variant => $id,)*
                }
            }

            /// Display name.
            $(#[$e_name])*
            pub const fn name(self) -> &'static str {
                match self {
                    $(DeploymentTarget::$variant => $name,)*
                }
            }

            /// Which role signs the calls on this target, in a sentence.
            $(#[$e_signer])*
            pub const fn signer(self) -> &'static str {
                match self {
                    $(DeploymentTarget::$variant => $signer,)*
                }
            }

            /// The role's trust policy, byte for byte `docs/trust-policies/<id>.json`, with `${Parameter}`
            /// placeholders.
            $(#[$e_trust])*
            pub const fn trust_policy_template(self) -> &'static str {
                match self {
                    $(DeploymentTarget::$variant => $trust,)*
                }
            }

            /// The parameters the trust policy needs, in order of first use.
            $(#[$e_parameters])*
            pub const fn parameters(self) -> &'static [$crate::Parameter] {
                match self {
                    $(DeploymentTarget::$variant => &[$($crate::Parameter::$parameter),*],)*
                }
            }

            /// Whether the role is used through an EC2 instance profile.
            $(#[$e_profile])*
            pub const fn instance_profile(self) -> bool {
                match self {
                    $(DeploymentTarget::$variant => $instance_profile,)*
                }
            }

            /// The product types whose software runs on this target.
            $(#[$e_serves])*
            pub const fn serves(self) -> &'static [ProductType] {
                match self {
                    $(DeploymentTarget::$variant => &[$(ProductType::$serves),*],)*
                }
            }

            /// Everything policies.toml says about this target: what a role is built from.
            pub const fn spec(self) -> &'static $crate::TargetSpec {
                match self {
                    $(DeploymentTarget::$variant => &__policies_toml::$spec,)*
                }
            }
        }

        $crate::__by_id!(DeploymentTarget, TargetSpec, "the target's id (`ecs`)");
    };
}

/// `Display`, `FromStr` and serde by `id()`, and the conversion to the vocabulary's spec. `$ty` is also the name of
/// its `ValueKind`.
#[doc(hidden)]
#[macro_export]
macro_rules! __by_id {
    ($ty:ident, $spec:ident, $what:literal) => {
        #[doc = ::core::concat!("Shows ", $what, ", which [`FromStr`](::core::str::FromStr) reads back.")]
        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.id())
            }
        }

        #[doc = ::core::concat!("Parses ", $what, ", ignoring letter case.")]
        impl ::core::str::FromStr for $ty {
            type Err = $crate::ParseError;
            fn from_str(s: &str) -> ::core::result::Result<Self, $crate::ParseError> {
                $ty::ALL
                    .iter()
                    .copied()
                    .find(|x| x.id().eq_ignore_ascii_case(s))
                    .ok_or_else(|| $crate::ParseError::new($crate::ValueKind::$ty, s))
            }
        }

        $crate::__serde_by_id!($ty, id);

        impl ::core::convert::From<$ty> for &'static $crate::$spec {
            fn from(value: $ty) -> Self {
                value.spec()
            }
        }
    };
}

/// `__policies_toml`: the data behind `Policy::SPEC`, `ProductType::spec`, `PricingModel::spec` and
/// `DeploymentTarget::spec`, one static per row. `placeholders` adds the specs the items of a broken file point to.
#[doc(hidden)]
#[macro_export]
macro_rules! __specs {
    (
        targets { $($target:ident $t_id:literal $t_name:literal $signer:literal $trust:literal [$($parameter:ident)*]
            $instance_profile:literal [$($serves:literal)*];)* }
        targets_of { $($of:ident [$($of_target:ident)*];)* }
        products { $($product:ident $p_names:ident $p_len:literal $p_variant:ident $p_id:literal $p_name:literal
            $p_json:literal $p_targets:ident;)* }
        models { $($model:ident $m_names:ident $m_len:literal $m_variant:ident $m_id:literal $m_name:literal
            $product_id:literal $product_name:literal $model_id:literal [$($m_json:literal)?]
            [$($no_policy:literal)?] $m_targets:ident;)* }
        consumers { $($consumer:ident $c_names:ident $c_id:literal $c_name:literal $c_product_id:literal
            $c_product_name:literal $c_json:literal [$($c_action:literal)*] $c_targets:ident;)* }
        $($placeholders:ident)?
    ) => {
        /// The data of the policies and deployment targets of this expansion of `policies!`, as the runtime crate's
        /// vocabulary; reached through `Policy::SPEC`, `ProductType::spec` and `DeploymentTarget::spec`.
        #[doc(hidden)]
        pub mod __policies_toml {
            $(
                pub static $target: $crate::TargetSpec = $crate::TargetSpec::__new(
                    $t_id, $t_name, $signer, $trust, &[$($crate::Parameter::$parameter),*], $instance_profile,
                    &[$($serves),*],
                );
            )*
            $(pub static $of: &[&$crate::TargetSpec] = &[$(&$of_target),*];)*
            $(
                pub static $p_names: [&str; $p_len] = super::__action_names::<$p_len>(
                    super::ProductType::$p_variant.actions(),
                );
                pub static $product: $crate::PolicySpec = $crate::PolicySpec::__new(
                    $p_id, $p_name, $p_id, $p_name, ::core::option::Option::None, &$p_names,
                    ::core::option::Option::Some($p_json), ::core::option::Option::None, $p_targets,
                );
            )*
            $(
                pub static $m_names: [&str; $m_len] = super::__action_names::<$m_len>(
                    super::PricingModel::$m_variant.actions(),
                );
                pub static $model: $crate::PolicySpec = $crate::PolicySpec::__new(
                    $m_id, $m_name, $product_id, $product_name, ::core::option::Option::Some($model_id), &$m_names,
                    $crate::__specs!(@option $($m_json)?), $crate::__specs!(@option $($no_policy)?), $m_targets,
                );
            )*
            $(
                pub static $c_names: &[&str] = &[$($c_action),*];
                pub static $consumer: $crate::PolicySpec = $crate::PolicySpec::__new(
                    $c_id, $c_name, $c_product_id, $c_product_name, ::core::option::Option::None, $c_names,
                    ::core::option::Option::Some($c_json), ::core::option::Option::None, $c_targets,
                );
            )*
            $($crate::__specs!(@$placeholders);)?
        }
    };
    (@option) => { ::core::option::Option::None };
    (@option $value:literal) => { ::core::option::Option::Some($value) };
    (@placeholders) => {
        pub static PLACEHOLDER: $crate::PolicySpec = $crate::PolicySpec::__new(
            "", "", "", "", ::core::option::Option::None, &[], ::core::option::Option::None,
            ::core::option::Option::None, &[],
        );
        pub static PLACEHOLDER_TARGET: $crate::TargetSpec = $crate::TargetSpec::__new("", "", "", "", &[], false, &[]);
    };
}

/// The marker type of a product type's or pricing model's policy, and its `Policy` impl.
#[doc(hidden)]
#[macro_export]
macro_rules! __policy_marker {
    ($doc:literal $ty:ident $spec:ident) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $ty;

        impl $crate::__private::Sealed for $ty {}

        impl $crate::Policy for $ty {
            const SPEC: &'static $crate::PolicySpec = &__policies_toml::$spec;
        }
    };
}

/// The grants of a policy: one impl on each action it grants.
#[doc(hidden)]
#[macro_export]
macro_rules! __grants {
    ($policy:ident: $($action:ty),*) => {
        $(impl $crate::GrantedTo<$policy> for $action {})*
    };
}

/// The action markers of one IAM prefix's catalog: a marker type per row, sealed as an `IamAction`. Only this crate
/// invokes it (`actions`): the sealing trait it names is private to this crate, so `IamAction` stays sealed.
#[doc(hidden)]
#[macro_export]
macro_rules! __action_markers {
    ($($marker:ident $name:literal $level:ident $doc:literal;)*) => {
        $(
            #[doc = $doc]
            #[derive(Debug, Clone, Copy, Default)]
            pub struct $marker;

            impl $crate::vocabulary::sealed::Action for $marker {}

            impl $crate::IamAction for $marker {
                const NAME: &'static str = $name;
                const ACCESS_LEVEL: $crate::AccessLevel = $crate::AccessLevel::$level;
            }
        )*
    };
}

/// A `const fn` of a generated enum whose values are a table indexed by the discriminant (no per-variant `match`, so
/// a file with thousands of actions stays cheap to compile). Invoked inside the enum's `impl`; the doc attributes
/// before it are the method's.
#[doc(hidden)]
#[macro_export]
macro_rules! __table {
    ($(#[$doc:meta])* $name:ident -> $ty:ty: [$($row:expr),* $(,)?]) => {
        $(#[$doc])*
        pub const fn $name(self) -> $ty {
            const TABLE: &[$ty] = &[$($row),*];
            TABLE[self as usize]
        }
    };
}
