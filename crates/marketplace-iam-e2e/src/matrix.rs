//! The subjects of the proof (one IAM user per published policy document, and one without policy per pricing model
//! that needs none), what policies.toml says each may call, and the policy × operation matrix: SDK calls, then the
//! License Manager actions moto's IAM policy evaluator decides.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use marketplace_iam::{Action, PricingModel, ProductType};

use crate::calls::{Observed, Operation};
use crate::evaluated::{Decision, Evaluated, LICENSE_ARN};

/// One IAM user of the proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The product type or pricing model id (`saas`, `saas/subscriptions`).
    pub policy: &'static str,
    /// The published document's file name, or `None` for a pricing model that needs no policy.
    pub file: Option<String>,
    /// The document as read from disk.
    pub document: Option<String>,
    /// The IAM actions policies.toml grants (as the `marketplace-iam` crate has them).
    pub granted: Vec<&'static str>,
}

impl Subject {
    /// Whether policies.toml grants the operation's action.
    pub fn expects_allowed(&self, op: Operation) -> bool {
        self.grants(&op.iam_action())
    }

    /// Whether policies.toml grants the IAM action (exactly as the catalog spells it).
    pub fn grants(&self, action: &str) -> bool {
        self.granted.contains(&action)
    }

    /// The row label: the file, or the pricing model and `(no policy)`.
    pub fn label(&self) -> String {
        match &self.file {
            Some(file) => file.clone(),
            None => format!("{} (no policy)", self.policy),
        }
    }

    /// An IAM user name for the subject.
    pub fn user_name(&self) -> String {
        format!("e2e-{}", self.policy.replace('/', "-"))
    }
}

/// Every policy policies.toml defines: its id, its published file name, its actions and whether it has a policy.
fn known() -> Vec<(&'static str, String, &'static [Action], bool)> {
    let products = ProductType::ALL
        .iter()
        .map(|p| (p.id(), format!("{}.json", p.id()), p.actions(), true));
    let models = PricingModel::ALL.iter().map(|m| {
        (
            m.id(),
            format!("{}.json", m.id().replace('/', "-")),
            m.actions(),
            m.policy_json().is_some(),
        )
    });
    products.chain(models).collect()
}

/// Reads the published documents in `dir` and pairs each with what policies.toml says. Every `.json` file must be
/// a known product type or pricing model, and every known policy must be published; all discrepancies are
/// reported at once.
pub fn subjects(dir: &Path) -> Result<Vec<Subject>, String> {
    let mut files = BTreeMap::new();
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            files.insert(name, text);
        }
    }
    let mut errors = Vec::new();
    let mut subjects = Vec::new();
    for (id, file, actions, has_policy) in known() {
        let granted = actions.iter().map(|a| a.as_str()).collect();
        match (has_policy, files.remove(&file)) {
            (true, Some(document)) => subjects.push(Subject {
                policy: id,
                file: Some(file),
                document: Some(document),
                granted,
            }),
            (true, None) => errors.push(format!(
                "{}: missing, but policies.toml defines `{id}` (run `cargo xtask gen-docs`)",
                dir.join(&file).display()
            )),
            (false, Some(_)) => errors.push(format!(
                "{}: published, but policies.toml says `{id}` needs no policy (run `cargo xtask gen-docs`)",
                dir.join(&file).display()
            )),
            (false, None) => subjects.push(Subject {
                policy: id,
                file: None,
                document: None,
                granted,
            }),
        }
    }
    for file in files.keys() {
        errors.push(format!(
            "{}: no product type or pricing model in policies.toml publishes it (run `cargo xtask gen-docs`)",
            dir.join(file).display()
        ));
    }
    if subjects.iter().all(|s| s.file.is_none()) {
        errors.push(format!("{}: no published policy document", dir.display()));
    }
    if errors.is_empty() {
        Ok(subjects)
    } else {
        Err(errors.join("\n"))
    }
}

/// The answers, one row per subject: one column per [`Operation::ALL`] (SDK calls to the endpoint), then one per
/// [`Evaluated::ALL`] (decided by moto's IAM policy evaluator).
pub struct Matrix<'a> {
    rows: Vec<(&'a Subject, Vec<Observed>, Vec<Decision>)>,
}

/// A cell as the table shows it: its text and whether it is as policies.toml says.
pub(crate) type Shown = (String, bool);

impl<'a> Matrix<'a> {
    /// An empty matrix.
    pub fn new() -> Self {
        Matrix { rows: Vec::new() }
    }

    /// Adds a subject's row; `observed` is in the order of [`Operation::ALL`], `decided` in that of
    /// [`Evaluated::ALL`].
    pub fn push(&mut self, subject: &'a Subject, observed: Vec<Observed>, decided: Vec<Decision>) {
        assert_eq!(
            observed.len(),
            Operation::ALL.len(),
            "one answer per operation"
        );
        assert_eq!(
            decided.len(),
            Evaluated::ALL.len(),
            "one decision per action"
        );
        self.rows.push((subject, observed, decided));
    }

    /// Every cell that differs from policies.toml: an allowed call or action it does not grant, a denied one it
    /// grants, or an unexpected answer.
    pub fn mismatches(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (subject, observed, decided) in &self.rows {
            for (op, cell) in Operation::ALL.iter().zip(observed) {
                let expected = subject.expects_allowed(*op);
                let says = if expected { "grants" } else { "does not grant" };
                match cell {
                    Observed::Unexpected(detail) => out.push(format!(
                        "{} × {}: unexpected answer (policies.toml {says} it): {detail}",
                        subject.label(),
                        op.name()
                    )),
                    cell if cell.allowed() != expected => out.push(format!(
                        "{} × {}: {cell}, but policies.toml {says} {}",
                        subject.label(),
                        op.name(),
                        op.iam_action()
                    )),
                    _ => {}
                }
            }
            for (action, cell) in Evaluated::ALL.iter().zip(decided) {
                let expected = subject.grants(&action.iam_action());
                let says = if expected { "grants" } else { "does not grant" };
                match cell {
                    Decision::Unexpected(detail) => out.push(format!(
                        "{} × {} (moto's IAM policy evaluator): unexpected answer (policies.toml {says} it): {detail}",
                        subject.label(),
                        action.name()
                    )),
                    cell if cell.allowed() != expected => out.push(format!(
                        "{} × {} (moto's IAM policy evaluator, on {}): {cell}, but policies.toml {says} {}",
                        subject.label(),
                        action.name(),
                        action.resource(),
                        action.iam_action()
                    )),
                    _ => {}
                }
            }
        }
        out
    }

    /// Whether any SDK call got an answer that is neither allowed nor denied.
    pub fn has_unexpected(&self) -> bool {
        self.rows
            .iter()
            .flat_map(|(_, observed, _)| observed)
            .any(|o| matches!(o, Observed::Unexpected(_)))
    }

    /// The number of cells decided by SDK calls.
    pub fn called(&self) -> usize {
        self.rows.len() * Operation::ALL.len()
    }

    /// The number of cells decided by moto's IAM policy evaluator.
    pub fn evaluated(&self) -> usize {
        self.rows.len() * Evaluated::ALL.len()
    }

    /// The number of cells.
    pub fn cells(&self) -> usize {
        self.called() + self.evaluated()
    }

    /// The matrix as two text tables, the SDK calls and then the evaluated actions, each under a line saying what
    /// decided it; a cell that differs from policies.toml is marked `!`.
    pub fn render(&self) -> String {
        let called: Vec<(String, Vec<Shown>)> = self
            .rows
            .iter()
            .map(|(subject, observed, _)| {
                let cells = Operation::ALL
                    .iter()
                    .zip(observed)
                    .map(|(op, cell)| {
                        let ok = !matches!(cell, Observed::Unexpected(_))
                            && cell.allowed() == subject.expects_allowed(*op);
                        (cell.to_string(), ok)
                    })
                    .collect();
                (subject.label(), cells)
            })
            .collect();
        let decided: Vec<(String, Vec<Shown>)> = self
            .rows
            .iter()
            .map(|(subject, _, decided)| {
                let cells = Evaluated::ALL
                    .iter()
                    .zip(decided)
                    .map(|(action, cell)| {
                        let ok = !matches!(cell, Decision::Unexpected(_))
                            && cell.allowed() == subject.grants(&action.iam_action());
                        (cell.to_string(), ok)
                    })
                    .collect();
                (subject.label(), cells)
            })
            .collect();
        let on_license: Vec<&str> = Evaluated::ALL
            .iter()
            .filter(|a| a.resource() != "*")
            .map(|a| a.name())
            .collect();
        let mut out = String::from(
            "Calls through the AWS SDK for Rust to moto_server, IAM enforced (aws-marketplace:<Operation>):\n",
        );
        out.push_str(&table(
            "policy document",
            &Operation::ALL.map(Operation::name),
            &called,
            "allowed (500) !".len(),
        ));
        let _ = write!(
            out,
            "\nLicense Manager actions (license-manager:<Action>), decided by moto's IAM policy evaluator \
             (moto.iam.access_control), not by an SDK call: moto_server does not route License Manager.\n\
             {} on {LICENSE_ARN}, the others on *:\n",
            on_license.join(", ")
        );
        out.push_str(&table(
            "policy document",
            &Evaluated::ALL.map(Evaluated::name),
            &decided,
            "allowed (stmt 1) !".len(),
        ));
        out
    }
}

/// A text table: `columns` after a first column of row labels headed `header`, each at least `min` wide; cells that
/// are not as expected get ` !`.
pub(crate) fn table(
    header: &str,
    columns: &[&str],
    rows: &[(String, Vec<Shown>)],
    min: usize,
) -> String {
    let first = rows
        .iter()
        .map(|(label, _)| label.len())
        .chain([header.len()])
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = columns.iter().map(|c| c.len().max(min)).collect();
    let mut out = String::new();
    let _ = write!(out, "{header:first$}");
    for (column, w) in columns.iter().zip(&widths) {
        let _ = write!(out, "  {column:w$}");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    for (label, cells) in rows {
        let _ = write!(out, "{label:first$}");
        for ((text, ok), w) in cells.iter().zip(&widths) {
            let text = if *ok {
                text.clone()
            } else {
                format!("{text} !")
            };
            let _ = write!(out, "  {text:w$}");
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    }
    out
}

impl Default for Matrix<'_> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/policies")
    }

    #[test]
    fn every_published_document_is_a_subject_with_the_crates_actions() {
        let subjects = subjects(&published()).unwrap();
        let saas = subjects
            .iter()
            .find(|s| s.policy == "saas/subscriptions")
            .unwrap();
        assert_eq!(saas.file.as_deref(), Some("saas-subscriptions.json"));
        assert_eq!(
            saas.document.as_deref(),
            marketplace_iam::PricingModel::SaasSubscriptions.policy_json()
        );
        assert!(saas.expects_allowed(Operation::BatchMeterUsage));
        assert!(!saas.expects_allowed(Operation::GetEntitlements));
        let with_file = subjects.iter().filter(|s| s.file.is_some()).count();
        let on_disk = fs::read_dir(published()).unwrap().count();
        assert_eq!(with_file, on_disk);
        // The model that needs no policy is a subject too: a user without policy, denied everything.
        let none = subjects.iter().find(|s| s.file.is_none()).unwrap();
        assert!(Operation::ALL.iter().all(|op| !none.expects_allowed(*op)));
        assert_eq!(none.label(), format!("{} (no policy)", none.policy));
    }

    #[test]
    fn stray_and_missing_documents_are_all_reported() {
        let dir = std::env::temp_dir().join(format!("marketplace-iam-e2e-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        for entry in fs::read_dir(published()).unwrap() {
            let path = entry.unwrap().path();
            fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
        fs::remove_file(dir.join("ami.json")).unwrap();
        fs::write(dir.join("saas-free-trial.json"), "{}").unwrap();
        fs::write(dir.join("ami-hourly-annual.json"), "{}").unwrap();
        let error = subjects(&dir).unwrap_err();
        fs::remove_dir_all(&dir).unwrap();
        assert!(error.contains("ami.json: missing"), "{error}");
        assert!(
            error.contains("saas-free-trial.json: no product type"),
            "{error}"
        );
        assert!(
            error.contains("ami-hourly-annual.json: published, but"),
            "{error}"
        );
        assert_eq!(error.lines().count(), 3, "{error}");
    }

    #[test]
    fn a_missing_directory_is_an_error() {
        assert!(subjects(Path::new("/nonexistent/docs/policies")).is_err());
    }

    fn subject(granted: Vec<&'static str>) -> Subject {
        Subject {
            policy: "saas/subscriptions",
            file: Some("saas-subscriptions.json".into()),
            document: None,
            granted,
        }
    }

    /// The evaluator's answers when nothing of License Manager is granted.
    fn none_evaluated() -> Vec<Decision> {
        vec![Decision::Denied; Evaluated::ALL.len()]
    }

    #[test]
    fn cells_that_differ_from_the_data_are_mismatches_and_marked() {
        let s = subject(vec![
            "aws-marketplace:ResolveCustomer",
            "aws-marketplace:BatchMeterUsage",
        ]);
        let matching = vec![
            Observed::Allowed { status: Some(500) },
            Observed::Allowed { status: None },
            Observed::Denied,
            Observed::Denied,
            Observed::Denied,
        ];
        let mut m = Matrix::new();
        m.push(&s, matching.clone(), none_evaluated());
        assert!(m.mismatches().is_empty());
        assert!(!m.has_unexpected());
        assert!(!m.render().contains('!'), "{}", m.render());

        let mut wrong = matching;
        wrong[1] = Observed::Denied; // granted but denied
        wrong[4] = Observed::Allowed { status: None }; // allowed but not granted
        wrong[2] = Observed::Unexpected("HTTP 400".into());
        let mut m = Matrix::new();
        m.push(&s, wrong, none_evaluated());
        let mismatches = m.mismatches();
        assert_eq!(mismatches.len(), 3, "{mismatches:#?}");
        assert!(mismatches[0].contains("BatchMeterUsage: denied (403), but policies.toml grants"));
        assert!(mismatches[1].contains("MeterUsage: unexpected answer"));
        assert!(
            mismatches[2]
                .contains("GetEntitlements: allowed (ok), but policies.toml does not grant")
        );
        assert_eq!(m.render().matches(" !").count(), 3, "{}", m.render());
        assert!(m.has_unexpected());
        assert_eq!((m.called(), m.evaluated(), m.cells()), (5, 9, 14));
    }

    #[test]
    fn evaluated_cells_that_differ_from_the_data_are_mismatches_and_marked() {
        let s = subject(vec![
            "license-manager:CheckoutLicense",
            "license-manager:GetLicense",
        ]);
        let calls = vec![Observed::Denied; Operation::ALL.len()];
        let mut matching = none_evaluated();
        matching[0] = Decision::Allowed {
            statements: vec![1],
        };
        matching[3] = Decision::Allowed {
            statements: vec![2],
        };
        let mut m = Matrix::new();
        m.push(&s, calls.clone(), matching.clone());
        assert!(m.mismatches().is_empty(), "{:#?}", m.mismatches());
        let table = m.render();
        assert!(!table.contains('!'), "{table}");
        assert!(table.contains("moto's IAM policy evaluator"), "{table}");
        assert!(table.contains("allowed (stmt 2)"), "{table}");

        let mut wrong = matching;
        wrong[3] = Decision::Denied; // granted but denied
        wrong[6] = Decision::Allowed {
            statements: vec![2],
        }; // DeleteLicense: allowed but not granted
        wrong[7] = Decision::Unexpected("a denial that does not name it".into());
        let mut m = Matrix::new();
        m.push(&s, calls, wrong);
        let mismatches = m.mismatches();
        assert_eq!(mismatches.len(), 3, "{mismatches:#?}");
        assert!(mismatches[0].contains(&format!(
            "GetLicense (moto's IAM policy evaluator, on {LICENSE_ARN}): denied, but policies.toml grants"
        )));
        assert!(mismatches[1].contains("DeleteLicense (moto's IAM policy evaluator, on"));
        assert!(mismatches[1].contains("does not grant license-manager:DeleteLicense"));
        assert!(mismatches[2].contains("GetAccessToken (moto's IAM policy evaluator): unexpected"));
        assert_eq!(m.render().matches(" !").count(), 3, "{}", m.render());
        // Only SDK calls have a server log to show.
        assert!(!m.has_unexpected());
    }
}
