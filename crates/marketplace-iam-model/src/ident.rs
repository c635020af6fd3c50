//! The Rust names the compile-time API derives from ids in policies.toml.

/// Names the generated Rust API uses for itself; no id may turn into one of them.
pub(crate) const RESERVED_TYPE_NAMES: &[&str] = &[
    "Action",
    "ProductType",
    "PricingModel",
    "Grants",
    "GrantedTo",
    "Policy",
    "IamAction",
    "ParseError",
    "DeploymentTarget",
    "Role",
    "RoleBuilder",
    "RoleError",
    "Parameter",
    "Self",
];

/// Is `id` a valid action id: an UpperCamelCase Rust type name such as `BatchMeterUsage`?
pub(crate) fn is_action_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && id != "Self"
}

/// Is `id` a valid product or pricing-model id: lowercase words joined by `-`, such as `hourly-monthly`?
pub(crate) fn is_kebab_id(id: &str) -> bool {
    let mut words = id.split('-');
    let first_ok = words
        .next()
        .and_then(|w| w.chars().next())
        .is_some_and(|c| c.is_ascii_lowercase());
    first_ok
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// `hourly-monthly` → `HourlyMonthly`.
///
/// # Examples
///
/// ```
/// assert_eq!(marketplace_iam_model::upper_camel("contracts-with-consumption"), "ContractsWithConsumption");
/// ```
pub fn upper_camel(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `BatchMeterUsage` → `BATCH_METER_USAGE`.
///
/// # Examples
///
/// ```
/// assert_eq!(marketplace_iam_model::screaming_snake("GetEntitlements"), "GET_ENTITLEMENTS");
/// ```
pub fn screaming_snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    let chars: Vec<char> = camel.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let boundary = c.is_ascii_uppercase()
            && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit() || next_lower);
        if boundary {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_ids_are_type_names() {
        assert!(is_action_id("BatchMeterUsage"));
        assert!(is_action_id("V2Meter"));
        for bad in [
            "",
            "batchMeterUsage",
            "Batch-Meter",
            "Batch_Meter",
            "Self",
            "1Meter",
            "Méter",
        ] {
            assert!(!is_action_id(bad), "{bad}");
        }
    }

    #[test]
    fn kebab_ids() {
        for ok in [
            "saas",
            "hourly-monthly",
            "contracts-with-consumption",
            "v2",
            "a-1",
        ] {
            assert!(is_kebab_id(ok), "{ok}");
        }
        for bad in [
            "", "SaaS", "-saas", "saas-", "saas--x", "saas_x", "1saas", "saas x",
        ] {
            assert!(!is_kebab_id(bad), "{bad}");
        }
    }

    #[test]
    fn conversions() {
        assert_eq!(upper_camel("saas"), "Saas");
        assert_eq!(upper_camel("hourly-monthly"), "HourlyMonthly");
        assert_eq!(screaming_snake("BatchMeterUsage"), "BATCH_METER_USAGE");
        assert_eq!(screaming_snake("ResolveCustomer"), "RESOLVE_CUSTOMER");
        assert_eq!(screaming_snake("V2Meter"), "V2_METER");
        assert_eq!(screaming_snake("GetAPIKey"), "GET_API_KEY");
    }
}
