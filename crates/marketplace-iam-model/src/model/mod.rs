//! The typed, validated contents of policies.toml: what the build phase returns and every renderer reads.
//!
//! Data types and their lookups only. Reading, checking and building them are the phases `read`, `check` and
//! `build`; rendering them is `render` (JSON) and `page` (Markdown).

#[cfg(feature = "roles")]
mod boundary;
mod parameter;
mod target;

use std::fmt;

use crate::catalog::AccessLevel;
use crate::ident;

#[cfg(feature = "roles")]
pub use boundary::PermissionsBoundary;
pub use parameter::Parameter;
pub(crate) use parameter::placeholders;
pub(crate) use target::served;
pub use target::{PrincipalKind, Target, Trust, TrustCondition};

/// Everything policies.toml declares, validated: every reference resolves, every name is an exact catalog action,
/// every id can become a Rust name, and no generated name collides with another.
///
/// Obtain one with [`crate::parse`] or [`crate::load`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policies {
    /// The schema version of the file (see [`crate::SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// The text of the published page.
    pub page: Page,
    /// The declared actions, in file order.
    pub actions: Vec<Action>,
    /// The product types, in file order.
    pub products: Vec<Product>,
    /// Where products run and which role signs their calls, in file order.
    pub targets: Vec<Target>,
    /// AWS managed policies the page compares with the documents, in file order.
    pub managed_policies: Vec<ManagedPolicy>,
    /// The routes of the products' notifications, in file order.
    pub notifications: Vec<NotificationRoute>,
}

/// One route by which a product's notifications reach the seller's queue (`[[notifications]]` in policies.toml).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRoute {
    /// Lowercase id (`sns`, `eventbridge`); names the published files.
    pub id: String,
    /// The id of the product whose notifications it carries (`saas`).
    pub product: String,
    /// Display name.
    pub name: String,
    /// What the route is and what the seller deploys for it.
    pub description: String,
    /// The AWS page that documents it.
    pub source: String,
    /// The service principal that sends to the queue (`sns.amazonaws.com`, `events.amazonaws.com`).
    pub sender: String,
    /// The ARN patterns of what may send (the queue policy's `aws:SourceArn`): the product's topics, or the rule.
    pub source_arns: Vec<String>,
    /// The events the rule matches, for a route through Amazon EventBridge.
    pub event_pattern: Option<EventPattern>,
    /// The actions the consumer calls on the queue.
    pub consumer: Vec<ActionIndex>,
    /// The actions the consumer also needs when the queue is encrypted with a customer managed key.
    pub encrypted: Vec<ActionIndex>,
    /// The actions whoever deploys the route needs beyond creating its resources (subscribing to the topics).
    pub subscriber: Vec<ActionIndex>,
    /// The ids of the targets a consumer runs on (each gets a role).
    pub targets: Vec<String>,
}

/// The events an Amazon EventBridge rule matches: one source, some detail types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPattern {
    /// The events' `source` (`aws.agreement-marketplace`).
    pub source: String,
    /// Their `detail-type`s.
    pub detail_types: Vec<String>,
}

/// The statement id of the queue policy's one statement.
pub const QUEUE_POLICY_SID: &str = "AllowTheProductsNotifications";

/// The action a sender needs on the queue.
pub const SEND_MESSAGE: &str = "sqs:SendMessage";

/// The condition key that names what sends.
pub(crate) const SOURCE_ARN: &str = "aws:SourceArn";

/// An AWS managed policy that sellers attach instead of a least-privilege document, to compare with the documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedPolicy {
    /// Its name (`AWSLicenseManagerConsumptionPolicy`).
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// The version compared (`v1`).
    pub version: String,
    /// The AWS page that prints it.
    pub source: String,
    /// The actions it allows, all on `"*"`, as IAM names.
    pub actions: Vec<String>,
    /// The documents to compare it with: `<product>` or `<product>/<pricing model>`.
    pub compare: Vec<String>,
}

/// The published page's own text (the parts not about one product).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The page's title.
    pub title: String,
    /// The HTML anchor of the title, kept from the AWS page so links into it still work.
    pub anchor: String,
    /// Paragraphs (Markdown) before the product sections.
    pub intro: Vec<String>,
    /// Paragraphs (Markdown) after the product sections.
    pub closing: Vec<String>,
    /// Where the facts come from: `(title, url)` pairs.
    pub sources: Vec<Source>,
    /// Where the actions' operations exist in AWS GovCloud (US) and the China Regions, as AWS's pages say.
    pub availability: Vec<Availability>,
}

/// What one AWS page says about where some actions' operations exist outside the commercial partition (`aws`): in
/// AWS GovCloud (US) (`aws-us-gov`) and the China Regions (`aws-cn`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Availability {
    /// The actions whose operations the page is about.
    pub actions: Vec<ActionIndex>,
    /// What the page says for AWS GovCloud (US) (Markdown); that it says nothing, where it does not.
    pub govcloud: String,
    /// What the page says for the China Regions (Markdown); likewise.
    pub china: String,
    /// The page.
    pub source: String,
    /// The page's own words the two facts rest on.
    pub quote: String,
}

/// A public document the data is taken from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Its title.
    pub title: String,
    /// Its address.
    pub url: String,
}

/// Which AWS API serves an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// AWS Marketplace Metering Service.
    Metering,
    /// AWS Marketplace Entitlement Service.
    Entitlement,
    /// AWS License Manager, which checks the licenses of contract-priced AMI and container products.
    LicenseManager,
    /// Amazon SQS: the queue a SaaS product's notifications arrive in.
    Sqs,
    /// Amazon SNS: the topics AWS Marketplace sends a SaaS product's notifications to.
    Sns,
    /// AWS KMS: the key of an encrypted notification queue.
    Kms,
}

impl Service {
    /// Every service.
    pub const ALL: [Service; 6] = [
        Service::Metering,
        Service::Entitlement,
        Service::LicenseManager,
        Service::Sqs,
        Service::Sns,
        Service::Kms,
    ];

    /// The service whose [`id`](Self::id) is `id`, as policies.toml writes it in `service`.
    ///
    /// # Examples
    ///
    /// ```
    /// use marketplace_iam_model::Service;
    ///
    /// assert_eq!(Service::from_id("metering"), Some(Service::Metering));
    /// assert_eq!(Service::from_id("Metering"), None);
    /// ```
    pub fn from_id(id: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The id used in policies.toml: `metering`, `entitlement`, `license-manager`, `sqs`, `sns` or `kms`.
    pub const fn id(self) -> &'static str {
        match self {
            Service::Metering => "metering",
            Service::Entitlement => "entitlement",
            Service::LicenseManager => "license-manager",
            Service::Sqs => "sqs",
            Service::Sns => "sns",
            Service::Kms => "kms",
        }
    }

    /// The IAM prefix of the service's actions: what policies.toml's `service` is checked against.
    ///
    /// ```
    /// use marketplace_iam_model::Service;
    ///
    /// assert_eq!(Service::Entitlement.prefix(), "aws-marketplace");
    /// assert_eq!(Service::LicenseManager.prefix(), "license-manager");
    /// ```
    pub const fn prefix(self) -> &'static str {
        match self {
            Service::Metering | Service::Entitlement => "aws-marketplace",
            Service::LicenseManager => "license-manager",
            Service::Sqs => "sqs",
            Service::Sns => "sns",
            Service::Kms => "kms",
        }
    }

    /// The name AWS gives the service.
    pub const fn catalog_name(self) -> &'static str {
        match self {
            Service::Metering => "AWS Marketplace Metering Service",
            Service::Entitlement => "AWS Marketplace Entitlement Service",
            Service::LicenseManager => "AWS License Manager",
            Service::Sqs => "Amazon Simple Queue Service",
            Service::Sns => "Amazon Simple Notification Service",
            Service::Kms => "AWS Key Management Service",
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.catalog_name())
    }
}

/// One IAM action a product may need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// The id other entries use to refer to it; also its Rust type name (`BatchMeterUsage`).
    pub id: String,
    /// The exact IAM action name (`aws-marketplace:BatchMeterUsage`).
    pub name: String,
    /// The API that serves it.
    pub service: Service,
    /// Its access level (checked against the catalog).
    pub access_level: AccessLevel,
    /// One line on what a seller's integration uses it for.
    pub purpose: String,
    /// The API reference of the operation.
    pub api_reference: String,
    /// The ARN patterns a policy grants the action on, for an action with resource types; empty for one without,
    /// which only `"*"` grants.
    pub resources: Vec<String>,
}

impl Action {
    /// The name of its `&'static str` constant in the generated API (`BATCH_METER_USAGE`).
    pub fn const_name(&self) -> String {
        ident::screaming_snake(&self.id)
    }
}

/// An index into [`Policies::actions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionIndex(pub usize);

/// A product type (SaaS, AMI, container) and the pricing models it offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// Lowercase id (`saas`): the published file is `docs/policies/<id>.json`.
    pub id: String,
    /// Display name (`SaaS`).
    pub name: String,
    /// Section title on the page.
    pub title: String,
    /// HTML anchor of the section, kept from the AWS page.
    pub anchor: String,
    /// The actions of the product's published policy, in the order the policy lists them.
    pub actions: Vec<ActionIndex>,
    /// Notes shown under the policy (Markdown paragraphs).
    pub notes: Vec<String>,
    /// Its pricing models, in file order.
    pub pricing_models: Vec<PricingModel>,
}

impl Product {
    /// Its Rust type name (`Saas`).
    pub fn type_name(&self) -> String {
        ident::upper_camel(&self.id)
    }
}

/// A pricing model of a product and what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricingModel {
    /// Lowercase id, unique within the product (`subscriptions`).
    pub id: String,
    /// Display name (`Subscriptions`).
    pub name: String,
    /// What the model is and which calls it makes.
    pub description: String,
    /// The AWS page that says which calls this model makes.
    pub source: String,
    /// The least-privilege action set, or why there is none.
    pub requirement: Requirement,
    /// The ids of the targets its policy is deployed to, when policies.toml narrows them; otherwise every target
    /// that serves the product or this pricing model.
    pub targets: Option<Vec<String>>,
}

impl PricingModel {
    /// Its actions; empty when the model makes no call.
    pub fn actions(&self) -> &[ActionIndex] {
        match &self.requirement {
            Requirement::Actions(a) => a,
            Requirement::NoPolicy { .. } => &[],
        }
    }

    /// Its Rust type name, product first (`SaasSubscriptions`).
    pub fn type_name(&self, product: &Product) -> String {
        product.type_name() + &ident::upper_camel(&self.id)
    }
}

/// What a pricing model needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    /// These actions, and no others (never empty).
    Actions(Vec<ActionIndex>),
    /// No action at all: the model makes no metering or entitlement call.
    NoPolicy {
        /// Why, in a sentence for the page.
        reason: String,
    },
}

/// One published policy document: a product's, or a pricing model's.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    /// The product.
    pub product: &'a Product,
    /// The pricing model, or `None` for the product's own policy.
    pub pricing_model: Option<&'a PricingModel>,
    policies: &'a Policies,
}

impl<'a> Document<'a> {
    /// The file name under `docs/policies/`: `saas.json` or `saas-subscriptions.json`.
    pub fn file_name(&self) -> String {
        match self.pricing_model {
            None => format!("{}.json", self.product.id),
            Some(m) => format!("{}-{}.json", self.product.id, m.id),
        }
    }

    /// The actions the document grants, in order.
    pub fn actions(&self) -> impl Iterator<Item = &'a Action> + 'a {
        let indices = match self.pricing_model {
            None => &self.product.actions[..],
            Some(m) => m.actions(),
        };
        let policies = self.policies;
        indices.iter().map(move |&i| policies.action(i))
    }

    /// The targets the document is deployed to, in policies.toml's order: those a pricing model names in `targets`;
    /// otherwise every target that serves the product (`serves = ["container"]`) or, for a pricing model's
    /// document, that model alone (`serves = ["container/contracts"]`).
    ///
    /// ```
    /// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
    /// let docs = policies.documents();
    /// let saas = docs.iter().find(|d| d.file_name() == "saas.json").unwrap();
    /// let ids: Vec<&str> = saas.targets().map(|t| t.id.as_str()).collect();
    /// assert_eq!(ids, ["cross-account", "lambda"]);
    /// ```
    pub fn targets(&self) -> impl Iterator<Item = &'a Target> + 'a {
        let (product, model) = (self.product, self.pricing_model);
        self.policies.targets.iter().filter(move |t| match model {
            None => t.serves.contains(&product.id),
            Some(m) => match &m.targets {
                Some(ids) => ids.contains(&t.id),
                None => t.serves.iter().any(|s| serves(s, product, Some(m))),
            },
        })
    }
}

/// Whether an entry of a target's `serves` (`container`, or `container/contracts` for one pricing model) covers the
/// document of `product` and `model`.
pub(crate) fn serves(entry: &str, product: &Product, model: Option<&PricingModel>) -> bool {
    match served(entry) {
        (p, None) => p == product.id,
        (p, Some(m)) => p == product.id && model.is_some_and(|model| model.id == m),
    }
}

impl Policies {
    /// The notification route with this id (`sns`, `eventbridge`).
    pub fn notification(&self, id: &str) -> Option<&NotificationRoute> {
        self.notifications.iter().find(|n| n.id == id)
    }

    /// The action at `index`.
    ///
    /// # Panics
    ///
    /// If `index` does not come from this `Policies`.
    pub fn action(&self, index: ActionIndex) -> &Action {
        &self.actions[index.0]
    }

    /// The action with this id.
    pub fn action_by_id(&self, id: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.id == id)
    }

    /// The product with this id.
    pub fn product(&self, id: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }

    /// The target with this id.
    pub fn target(&self, id: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.id == id)
    }

    /// Every document to publish: each product's policy followed by those of its pricing models that need one.
    ///
    /// ```
    /// let policies = marketplace_iam_model::load("../../policies.toml").unwrap();
    /// let names: Vec<String> = policies.documents().iter().map(|d| d.file_name()).collect();
    /// assert!(names.contains(&"saas.json".to_string()));
    /// assert!(names.contains(&"saas-subscriptions.json".to_string()));
    /// ```
    pub fn documents(&self) -> Vec<Document<'_>> {
        let mut out = Vec::new();
        for product in &self.products {
            out.push(Document {
                product,
                pricing_model: None,
                policies: self,
            });
            for model in &product.pricing_models {
                if let Requirement::Actions(_) = model.requirement {
                    out.push(Document {
                        product,
                        pricing_model: Some(model),
                        policies: self,
                    });
                }
            }
        }
        out
    }
}
