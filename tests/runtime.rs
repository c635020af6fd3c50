//! The constants baked into `marketplace-iam` at compile time are the published files, byte for byte, and restate
//! policies.toml exactly.

use marketplace_iam::{Action, PricingModel, ProductType};
use marketplace_iam_tests::read;

fn engine() -> marketplace_iam_model::Policies {
    marketplace_iam_model::parse("policies.toml", &read("policies.toml")).unwrap()
}

#[test]
fn product_policies_are_the_published_files() {
    for &p in ProductType::ALL {
        assert_eq!(
            p.policy_json(),
            read(&format!("docs/policies/{}.json", p.id())),
            "{p}"
        );
    }
}

#[test]
fn pricing_model_policies_are_the_published_files() {
    for &m in PricingModel::ALL {
        let file = format!("docs/policies/{}.json", m.id().replace('/', "-"));
        match m.policy_json() {
            Some(json) => assert_eq!(json, read(&file), "{m}"),
            None => {
                assert!(
                    !marketplace_iam_tests::root().join(&file).exists(),
                    "{file} published for a no-policy model"
                );
                assert!(m.no_policy_reason().is_some());
            }
        }
    }
}

#[test]
fn baked_json_and_published_json_come_from_the_same_engine_function() {
    let policies = engine();
    let docs = policies.documents();
    let baked: Vec<&str> = ProductType::ALL
        .iter()
        .map(|p| p.policy_json())
        .chain(PricingModel::ALL.iter().filter_map(|m| m.policy_json()))
        .collect();
    assert_eq!(baked.len(), docs.len());
    for doc in docs {
        assert!(
            baked.contains(&doc.json().as_str()),
            "{} differs from what the engine renders",
            doc.file_name()
        );
    }
}

#[test]
fn the_generated_api_restates_policies_toml() {
    let policies = engine();
    let ids: Vec<&str> = Action::ALL.iter().map(|a| a.id()).collect();
    let declared: Vec<&str> = policies.actions.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, declared);
    for (a, d) in Action::ALL.iter().zip(&policies.actions) {
        assert_eq!(a.as_str(), d.name);
        assert_eq!(a.purpose(), d.purpose);
        assert_eq!(a.access_level().as_str(), d.access_level.as_str());
    }
    for (p, d) in ProductType::ALL.iter().zip(&policies.products) {
        assert_eq!(p.id(), d.id);
        let names: Vec<&str> = p.actions().iter().map(|a| a.id()).collect();
        let declared: Vec<&str> = d
            .actions
            .iter()
            .map(|&i| policies.action(i).id.as_str())
            .collect();
        assert_eq!(names, declared, "{p}");
        assert_eq!(p.pricing_models().len(), d.pricing_models.len());
        for (m, dm) in p.pricing_models().iter().zip(&d.pricing_models) {
            assert_eq!(m.id(), format!("{}/{}", d.id, dm.id));
            assert_eq!(m.product(), *p);
            let names: Vec<&str> = m.actions().iter().map(|a| a.id()).collect();
            let declared: Vec<&str> = dm
                .actions()
                .iter()
                .map(|&i| policies.action(i).id.as_str())
                .collect();
            assert_eq!(names, declared, "{m}");
        }
    }
}

#[test]
fn parsing_matches_the_way_iam_does_and_round_trips() {
    for &a in Action::ALL {
        assert_eq!(a.as_str().parse::<Action>(), Ok(a));
        assert_eq!(a.as_str().to_lowercase().parse::<Action>(), Ok(a));
        assert_eq!(a.to_string().parse::<Action>(), Ok(a));
    }
    for &p in ProductType::ALL {
        assert_eq!(p.to_string().parse::<ProductType>(), Ok(p));
    }
    for &m in PricingModel::ALL {
        assert_eq!(m.to_string().parse::<PricingModel>(), Ok(m));
    }
    let err = "aws-marketplace:*".parse::<Action>().unwrap_err();
    assert_eq!(err.to_string(), "unknown IAM action `aws-marketplace:*`");
    assert!("saas/".parse::<PricingModel>().is_err());
}

/// The actions a published document allows, read from the file itself (every statement's `Action`).
fn published_actions(file: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(&read(file)).unwrap();
    let mut actions = Vec::new();
    for statement in doc["Statement"].as_array().unwrap() {
        assert_eq!(statement["Effect"], "Allow", "{file}");
        match &statement["Action"] {
            serde_json::Value::String(a) => actions.push(a.clone()),
            serde_json::Value::Array(list) => {
                actions.extend(list.iter().map(|a| a.as_str().unwrap().to_owned()))
            }
            other => panic!("{file}: Action is {other}"),
        }
    }
    assert!(!actions.is_empty(), "{file} allows nothing");
    actions
}

#[test]
fn grants_are_what_the_published_documents_allow() {
    let mut checked = 0;
    for &p in ProductType::ALL {
        let allowed = published_actions(&format!("docs/policies/{}.json", p.id()));
        for &a in Action::ALL {
            assert_eq!(
                p.grants(a),
                allowed.iter().any(|x| x == a.as_str()),
                "{p} {a}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, ProductType::ALL.len() * Action::ALL.len());
    assert!(checked > 0);
    // The one contrast the README shows.
    assert!(!ProductType::Ami.grants(Action::BatchMeterUsage));
}

/// What a contract-priced product's code may require: every License Manager call its published policy allows.
const _: () = {
    use marketplace_iam::{
        AmiContracts, CheckInLicense, CheckoutLicense, ContainerContracts,
        ExtendLicenseConsumption, GetLicense, require,
    };
    require!(AmiContracts: CheckoutLicense, ExtendLicenseConsumption, CheckInLicense, GetLicense);
    require!(ContainerContracts: CheckoutLicense, ExtendLicenseConsumption, CheckInLicense, GetLicense);
};

#[test]
fn contract_pricing_grants_license_manager_and_nothing_of_metering() {
    let allowed = published_actions("docs/policies/container-contracts.json");
    assert!(
        allowed.iter().all(|a| a.starts_with("license-manager:")),
        "{allowed:?}"
    );
    let grants = |m: PricingModel, a: Action| m.actions().contains(&a);
    assert!(grants(
        PricingModel::ContainerContracts,
        Action::CheckoutLicense
    ));
    assert!(!grants(
        PricingModel::ContainerContracts,
        Action::RegisterUsage
    ));
    assert!(!grants(
        PricingModel::ContainerHourlyMonthly,
        Action::CheckoutLicense
    ));
}

#[test]
fn markers_carry_the_published_policy() {
    use marketplace_iam::{Ami, AmiHourlyAnnual, IamAction, MeterUsage, Policy, SaasContracts};
    assert_eq!(MeterUsage::NAME, "aws-marketplace:MeterUsage");
    assert_eq!(
        MeterUsage::ACCESS_LEVEL.as_str(),
        marketplace_iam_model::catalog::lookup(MeterUsage::NAME)
            .unwrap()
            .access_level
            .as_str()
    );
    assert_eq!(Ami::SPEC.product_id(), "ami");
    assert_eq!(Ami::SPEC.pricing_model_id(), None);
    assert_eq!(
        Ami::POLICY_JSON,
        Some(read("docs/policies/ami.json").as_str())
    );
    assert_eq!(
        SaasContracts::ACTIONS,
        published_actions("docs/policies/saas-contracts.json")
    );
    assert_eq!(SaasContracts::SPEC.id(), "saas/contracts");
    assert_eq!(SaasContracts::SPEC.pricing_model_id(), Some("contracts"));
    // A model that makes no call has no published document and no action.
    assert!(
        !marketplace_iam_tests::root()
            .join("docs/policies/ami-hourly-annual.json")
            .exists()
    );
    assert_eq!(AmiHourlyAnnual::POLICY_JSON, None);
    assert!(AmiHourlyAnnual::ACTIONS.is_empty());
    assert!(AmiHourlyAnnual::SPEC.no_policy_reason().is_some());
}

#[test]
fn specs_are_what_policies_toml_says() {
    let policies = engine();
    for (t, d) in marketplace_iam::DeploymentTarget::ALL
        .iter()
        .zip(&policies.targets)
    {
        let spec = t.spec();
        assert_eq!(spec.id(), d.id);
        assert_eq!(
            spec.trust_policy_template(),
            read(&format!("docs/trust-policies/{}.json", d.id))
        );
        let names: Vec<&str> = spec.parameters().iter().map(|p| p.name()).collect();
        let declared: Vec<&str> = d.trust.parameters().iter().map(|p| p.name()).collect();
        assert_eq!(names, declared, "{t}");
        // The product types it runs: those it serves whole, or one pricing model of (`container/contracts`).
        let mut products: Vec<&str> = d
            .serves
            .iter()
            .map(|s| s.split('/').next().unwrap())
            .collect();
        products.dedup();
        assert_eq!(spec.serves(), products);
    }
    assert_eq!(
        marketplace_iam::DeploymentTarget::ALL.len(),
        policies.targets.len()
    );
    // Every published document's targets, as the engine deploys it (`docs/cloudformation/<policy>-<target>.json`).
    let documents = policies.documents();
    assert!(!documents.is_empty());
    for d in &documents {
        let spec = match d.pricing_model {
            None => ProductType::ALL
                .iter()
                .find(|p| p.id() == d.product.id)
                .unwrap()
                .spec(),
            Some(m) => {
                let id = format!("{}/{}", d.product.id, m.id);
                PricingModel::ALL
                    .iter()
                    .find(|x| x.id() == id)
                    .unwrap()
                    .spec()
            }
        };
        let targets: Vec<&str> = spec.targets().iter().map(|t| t.id()).collect();
        let declared: Vec<&str> = d.targets().map(|t| t.id.as_str()).collect();
        assert_eq!(targets, declared, "{}", d.file_name());
        assert!(!targets.is_empty(), "{} runs nowhere", d.file_name());
    }
}

#[test]
fn serde_writes_and_reads_the_ids_the_cli_uses() {
    use marketplace_iam::DeploymentTarget;
    let mut checked = 0;
    for &a in Action::ALL {
        let text = serde_json::to_string(&a).unwrap();
        assert_eq!(text, format!("\"{}\"", a.as_str()));
        assert_eq!(serde_json::from_str::<Action>(&text).unwrap(), a);
        checked += 1;
    }
    for &p in ProductType::ALL {
        assert_eq!(serde_json::to_value(p).unwrap(), p.id());
        assert_eq!(
            serde_json::from_value::<ProductType>(p.id().into()).unwrap(),
            p
        );
        checked += 1;
    }
    for &m in PricingModel::ALL {
        assert_eq!(serde_json::to_value(m).unwrap(), m.id());
        assert_eq!(
            serde_json::from_value::<PricingModel>(m.id().into()).unwrap(),
            m
        );
        checked += 1;
    }
    for &t in DeploymentTarget::ALL {
        assert_eq!(serde_json::to_value(t).unwrap(), t.id());
        assert_eq!(
            serde_json::from_value::<DeploymentTarget>(t.id().into()).unwrap(),
            t
        );
        checked += 1;
    }
    assert!(checked > 0);
    let err = serde_json::from_str::<DeploymentTarget>("\"moon\"").unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown deployment target `moon` at line 1 column 6"
    );
    let err = serde_json::from_str::<ProductType>("3").unwrap_err();
    assert!(
        err.to_string()
            .contains("an id from policies.toml as a string"),
        "{err}"
    );
}
