//! The hops of an assume-role chain, each decided with AWS's evaluation logic: the caller's identity policies, the
//! role's trust policy, the caller account's SCPs, the role account's RCPs, then the role's own permissions (and a
//! session policy, which can only narrow them).

use marketplace_iam_policy::{
    Caller, ConditionRef, Context, Decision, PolicyFile, PolicyKind, PolicySet, Principal,
    PrincipalValue, Report, StatementRef, TrustEvaluation, TrustRequest, evaluate_guardrails,
    evaluate_guardrails_open, evaluate_trust_open, identity_allow_needed,
};

/// Which hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HopName {
    Identity,
    Trust,
    CallerScps,
    RoleRcps,
    Permissions,
}

impl HopName {
    /// The name in JSON and in "where the chain breaks".
    pub(crate) fn key(self) -> &'static str {
        match self {
            HopName::Identity => "identity",
            HopName::Trust => "trust",
            HopName::CallerScps => "caller_scps",
            HopName::RoleRcps => "role_rcps",
            HopName::Permissions => "permissions",
        }
    }

    /// What the hop asks, for a person.
    pub(crate) fn title(self) -> &'static str {
        match self {
            HopName::Identity => "the caller's identity policies allow the STS call on the role",
            HopName::Trust => "the role's trust policy admits the caller",
            HopName::CallerScps => "the caller account's SCPs let the STS call through",
            HopName::RoleRcps => "the role account's RCPs let the STS call through",
            HopName::Permissions => {
                "the role's own policies (and session policy) allow the actions"
            }
        }
    }
}

/// One hop's answer.
pub(crate) enum Outcome {
    /// The hop does not take part in this request (a web identity has no AWS identity; no SCP given).
    NotApplicable(&'static str),
    /// Decided by statements: those the decision rests on, the conditions that held, and (for an implicit deny)
    /// the conditions the request did not meet.
    Decided {
        decision: Decision,
        note: Option<&'static str>,
        statements: Vec<StatementRef>,
        conditions: Vec<ConditionRef>,
        failed: Vec<ConditionRef>,
    },
    /// The existing `check` of the role's policies, and of the session policy if one is given.
    Permissions {
        role: Report,
        session: Option<Report>,
        /// Why a guardrail given does not take part here (RCPs do not apply to these services).
        note: Option<&'static str>,
    },
}

/// One hop of the chain: which, and its answer.
pub(crate) struct Hop {
    pub(crate) name: HopName,
    pub(crate) outcome: Outcome,
}

impl Hop {
    /// The hop's decision: `None` when it does not apply.
    pub(crate) fn decision(&self) -> Option<Decision> {
        match &self.outcome {
            Outcome::NotApplicable(_) => None,
            Outcome::Decided { decision, .. } => Some(*decision),
            Outcome::Permissions { role, session, .. } => Some(
                role.actions
                    .iter()
                    .chain(session.iter().flat_map(|s| &s.actions))
                    .map(|a| a.decision)
                    .find(|&d| d != Decision::Allow)
                    .unwrap_or(Decision::Allow),
            ),
        }
    }

    /// Whether the request passes this hop.
    pub(crate) fn passes(&self) -> bool {
        match &self.outcome {
            Outcome::Permissions { role, session, .. } => {
                role.is_allowed() && session.as_ref().is_none_or(Report::is_allowed)
            }
            _ => self.decision().is_none_or(|d| d == Decision::Allow),
        }
    }
}

/// Who calls STS, and with which credentials.
pub(crate) enum Who<'a> {
    /// An IAM user, role or role session, with its identity policies (and boundary) and its account's SCPs.
    Aws {
        arn: &'a str,
        policies: &'a PolicySet,
        scps: &'a [PolicyFile],
    },
    /// A web identity token of an OIDC provider (the provider's IAM ARN).
    WebIdentity { provider: String },
}

/// The STS request for the role's credentials, and the policies that decide it: the first four hops.
pub(crate) struct Sts<'a> {
    pub(crate) role_arn: &'a str,
    pub(crate) who: Who<'a>,
    pub(crate) trust: &'a PolicyFile,
    pub(crate) rcps: &'a [PolicyFile],
    /// The request's context (`sts:ExternalId`, `aws:PrincipalArn`, a web identity's `:sub`, ...).
    pub(crate) context: &'a Context,
    /// `None`: the request is the context, a key it lacks is absent (`--assume`). `Some(open)`: the request is not
    /// known beyond the context (`--gaad`): conditions on the keys `open` names stay open in the trust policy and
    /// the SCPs, and every condition of the caller's identity policies stays open.
    pub(crate) open: Option<&'a dyn Fn(&str) -> bool>,
}

/// Everything the chain is decided with: the STS request, then the role session's calls.
pub(crate) struct Chain<'a> {
    pub(crate) sts: Sts<'a>,
    /// Where the role is defined when `--assume` names a template or plan: `template.yaml role MeteringRole`.
    pub(crate) defined_in: Option<String>,
    /// The role's own policies, boundary and SCPs.
    pub(crate) role: PolicySet,
    pub(crate) session_policy: Option<PolicyFile>,
    /// The context of the role session's calls (`--context`), if any.
    pub(crate) context: Option<Context>,
    pub(crate) required: &'a [String],
    /// `--resource`: the resource the role session's calls name, for actions with resource types.
    pub(crate) resource: Option<&'a str>,
}

impl Sts<'_> {
    /// The STS action the caller makes.
    pub(crate) fn action(&self) -> &'static str {
        match self.who {
            Who::Aws { .. } => "sts:AssumeRole",
            Who::WebIdentity { .. } => "sts:AssumeRoleWithWebIdentity",
        }
    }

    /// The caller as the trust policy's `Principal` names it.
    pub(crate) fn caller(&self) -> Caller<'_> {
        match &self.who {
            Who::Aws { arn, .. } => Caller::Aws(arn),
            Who::WebIdentity { provider } => Caller::Federated(provider),
        }
    }

    /// The caller's ARN, or the web identity provider's.
    pub(crate) fn caller_id(&self) -> &str {
        match &self.who {
            Who::Aws { arn, .. } => arn,
            Who::WebIdentity { provider } => provider,
        }
    }

    /// The trust policy's answer alone: the cheapest hop, and the one that says whether the others matter.
    pub(crate) fn trust(&self) -> TrustEvaluation {
        evaluate_trust_open(
            self.trust,
            &TrustRequest {
                action: self.action(),
                caller: self.caller(),
                context: self.context,
            },
            self.open.unwrap_or(&|_| false),
        )
    }

    /// The context the caller's identity policies are decided with: none (conditions open) when the request is
    /// not known.
    fn identity_context(&self) -> Option<&Context> {
        self.open.is_none().then_some(self.context)
    }

    /// The hops of the STS request, in the order AWS's answer depends on them: identity, trust, the caller's SCPs,
    /// the role's RCPs. `trust` is [`Sts::trust`]'s answer.
    pub(crate) fn hops(&self, trust: TrustEvaluation) -> Vec<Hop> {
        let request = TrustRequest {
            action: self.action(),
            caller: self.caller(),
            context: self.context,
        };
        let identity = match &self.who {
            Who::Aws { arn, policies, .. } => self.identity(arn, policies, &trust),
            Who::WebIdentity { .. } => Outcome::NotApplicable(
                "a web identity has no AWS identity: no identity-based policy takes part",
            ),
        };
        let caller_scps = match &self.who {
            Who::Aws { scps, .. } if !scps.is_empty() => decided(evaluate_guardrails_open(
                scps,
                PolicyKind::Scp,
                &request,
                self.role_arn,
                self.open.unwrap_or(&|_| false),
            )),
            Who::Aws { .. } => Outcome::NotApplicable("no --caller-scp given"),
            Who::WebIdentity { .. } => {
                Outcome::NotApplicable("a web identity belongs to no account of an organization")
            }
        };
        let rcps = if self.rcps.is_empty() {
            Outcome::NotApplicable("no --rcp given")
        } else {
            decided(evaluate_guardrails(
                self.rcps,
                PolicyKind::Rcp,
                &request,
                self.role_arn,
            ))
        };
        [
            (HopName::Identity, identity),
            (HopName::Trust, decided(trust)),
            (HopName::CallerScps, caller_scps),
            (HopName::RoleRcps, rcps),
        ]
        .into_iter()
        .map(|(name, outcome)| Hop { name, outcome })
        .collect()
    }

    /// The identity hop: the caller's policies must allow the STS call on the role's ARN, unless (in the same
    /// account) the trust policy names the caller's ARN; an explicit deny in them denies either way. See
    /// `marketplace_iam_policy::identity_allow_needed` for AWS's pages.
    fn identity(&self, arn: &str, policies: &PolicySet, trust: &TrustEvaluation) -> Outcome {
        let evaluation =
            policies.evaluate_on(self.action(), self.role_arn, self.identity_context());
        let needed = identity_allow_needed(trust, arn, self.role_arn);
        let mut statements: Vec<StatementRef> = evaluation.statements().collect();
        for s in &mut statements {
            if let Some(add) = &mut s.add {
                add.resource = self.role_arn.to_owned();
            }
        }
        let conditions = evaluation.conditions().collect();
        if !needed && evaluation.decision != Decision::ExplicitDeny {
            // A resource-based policy naming a role's ARN (not the session's) is still limited by the role's
            // permissions boundary; naming the user or session ARN is not (IAM User Guide, "Permissions boundaries
            // for IAM entities", <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>).
            if let Some(boundary) = &policies.boundary
                && !self.trust_names_exactly(arn, trust)
            {
                let alone = PolicySet::new(vec![boundary.clone()]);
                let bounded =
                    alone.evaluate_on(self.action(), self.role_arn, self.identity_context());
                if bounded.decision != Decision::Allow {
                    return Outcome::Decided {
                        decision: bounded.decision,
                        note: Some(
                            "the trust policy names the caller's role, so the role's permissions boundary must allow the call",
                        ),
                        statements: bounded
                            .statements()
                            .map(|mut s| {
                                s.kind = PolicyKind::Boundary;
                                s.policy = Some(boundary.name.clone());
                                if let Some(add) = &mut s.add {
                                    add.resource = self.role_arn.to_owned();
                                }
                                s
                            })
                            .collect(),
                        conditions: Vec::new(),
                        failed: Vec::new(),
                    };
                }
            }
            return Outcome::Decided {
                decision: Decision::Allow,
                note: Some(
                    "not needed: in the role's own account, a trust policy that names the caller's ARN is enough",
                ),
                statements: Vec::new(),
                conditions: Vec::new(),
                failed: Vec::new(),
            };
        }
        Outcome::Decided {
            decision: evaluation.decision,
            note: None,
            statements,
            conditions,
            failed: Vec::new(),
        }
    }

    /// Whether an allowing statement of the trust policy names `arn` itself (a user's or a session's ARN), not
    /// the session's role.
    fn trust_names_exactly(&self, arn: &str, trust: &TrustEvaluation) -> bool {
        trust.statements.iter().filter_map(|s| s.index).any(|index| {
            self.trust.policy.statements.get(index).is_some_and(|statement| {
                matches!(
                    &statement.principal,
                    Some(Principal::Principal(PrincipalValue::Typed(entries)))
                        if entries.iter().any(|(kind, ids)| kind == "AWS" && ids.iter().any(|id| id == arn))
                )
            })
        })
    }
}

impl Chain<'_> {
    /// Every hop: the STS request's, then the role's own permissions.
    pub(crate) fn hops(&self) -> Vec<Hop> {
        let mut hops = self.sts.hops(self.sts.trust());
        let context = self.context.as_ref();
        hops.push(Hop {
            name: HopName::Permissions,
            outcome: Outcome::Permissions {
                // RCPs apply only to the services AWS Organizations lists for them ("Resource control policies",
                // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html): STS is
                // one, the metering, entitlement and License Manager services are not. Said, never passed over in
                // silence.
                note: (!self.sts.rcps.is_empty()).then_some(
                    "the --rcp policies do not take part here: resource control policies apply only to the services AWS Organizations lists for them (AWS STS among them, not AWS Marketplace or AWS License Manager), so they were applied to the STS call only",
                ),
                role: crate::decide(&self.role, self.required, context, self.resource),
                session: self.session_policy.as_ref().map(|session| {
                    crate::decide(
                        &PolicySet::new(vec![session.clone()]),
                        self.required,
                        context,
                        self.resource,
                    )
                }),
            },
        });
        hops
    }
}

fn decided(answer: TrustEvaluation) -> Outcome {
    Outcome::Decided {
        decision: answer.decision,
        note: None,
        statements: answer.statements,
        conditions: answer.conditions,
        failed: answer.failed,
    }
}
