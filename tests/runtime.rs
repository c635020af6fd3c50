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
        assert_eq!(a.access_level(), d.access_level.as_str());
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

#[test]
fn grants_match_the_action_lists() {
    for &p in ProductType::ALL {
        for &a in Action::ALL {
            assert_eq!(p.grants(a), p.actions().contains(&a), "{p} {a}");
        }
    }
    assert!(!ProductType::Ami.grants(Action::BatchMeterUsage));
}

#[test]
fn markers_carry_their_policy() {
    use marketplace_iam::{Ami, AmiHourlyAnnual, IamAction, MeterUsage, Policy, SaasContracts};
    assert_eq!(MeterUsage::ACTION, Action::MeterUsage);
    assert_eq!(Ami::PRODUCT, ProductType::Ami);
    assert_eq!(Ami::PRICING_MODEL, None);
    assert_eq!(Ami::POLICY_JSON, Some(ProductType::Ami.policy_json()));
    assert_eq!(
        SaasContracts::ACTIONS,
        &[Action::ResolveCustomer, Action::GetEntitlements]
    );
    assert_eq!(
        SaasContracts::PRICING_MODEL,
        Some(PricingModel::SaasContracts)
    );
    assert_eq!(AmiHourlyAnnual::POLICY_JSON, None);
    assert_eq!(AmiHourlyAnnual::ACTIONS, &[] as &[Action]);
}
