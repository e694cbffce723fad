//! Which keyscan rules a gitleaks rule id stands for, where a `.gitleaksignore`, an
//! allowlist's `targetRules` or `[extend] disabledRules` names one of gitleaks' own
//! rules. Ids keyscan shares are themselves; the others are mapped by what the
//! credential is, not by how either tool detects it.

/// gitleaks rule ids that keyscan names differently, with the keyscan ids (or, ending
/// in `*`, id prefixes) that cover the same credentials.
const RENAMED: &[(&str, &[&str])] = &[
    ("aws-access-token", &["aws-access-key-id"]),
    (
        "aws-amazon-bedrock-api-key-long-lived",
        &["aws-bedrock-api-key"],
    ),
    (
        "aws-amazon-bedrock-api-key-short-lived",
        &["aws-bedrock-short-term-api-key"],
    ),
    ("anthropic-admin-api-key", &["anthropic-admin-key"]),
    (
        "datadog-access-token",
        &["datadog-api-key", "datadog-application-key"],
    ),
    ("digitalocean-access-token", &["digitalocean-oauth-token"]),
    ("digitalocean-pat", &["digitalocean-personal-access-token"]),
    ("discord-api-token", &["discord-bot-token"]),
    ("gcp-api-key", &["google-api-key"]),
    ("generic-api-key", &["generic-password-assignment"]),
    (
        "github-app-token",
        &["github-app-user-token", "github-app-installation-token"],
    ),
    ("github-oauth", &["github-oauth-token"]),
    ("github-refresh-token", &["github-app-refresh-token"]),
    ("gitlab-cicd-job-token", &["gitlab-ci-job-token"]),
    ("gitlab-kubernetes-agent-token", &["gitlab-agent-token"]),
    (
        "gitlab-runner-authentication-token",
        &["gitlab-runner-auth-token"],
    ),
    ("jwt", &["generic-jwt"]),
    (
        "mailgun-private-api-token",
        &["mailgun-api-key", "mailgun-api-key-legacy"],
    ),
    ("openai-api-key", &["openai-*"]),
    ("private-key", &["private-key-*"]),
    ("sendgrid-api-token", &["sendgrid-api-key"]),
    (
        "stripe-access-token",
        &[
            "stripe-secret-key",
            "stripe-restricted-key",
            "stripe-test-key",
        ],
    ),
    ("telegram-bot-api-token", &["telegram-bot-token"]),
];

/// The ids among `known` (keyscan's loaded rule ids) that gitleaks rule `id` stands
/// for: itself (in kebab-case, as its translation is called) if keyscan has a rule of
/// that id, else its counterparts.
pub fn keyscan_ids(id: &str, known: &[&str]) -> Vec<String> {
    let kebab = kebab_case(id);
    if known.contains(&kebab.as_str()) {
        return vec![kebab];
    }
    let Some((_, counterparts)) = RENAMED.iter().find(|(gitleaks, _)| *gitleaks == id) else {
        return Vec::new();
    };
    known
        .iter()
        .filter(|known| {
            counterparts
                .iter()
                .any(|counterpart| match counterpart.strip_suffix('*') {
                    Some(prefix) => known.starts_with(prefix),
                    None => *known == counterpart,
                })
        })
        .map(|known| (*known).to_owned())
        .collect()
}

/// `id` in kebab-case: lowercase letters and digits, single dashes between.
pub fn kebab_case(id: &str) -> String {
    let mut out = String::new();
    for c in id.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_ids_stay_and_renamed_ones_map_to_what_keyscan_loaded() {
        let known = [
            "github-pat",
            "aws-access-key-id",
            "private-key-rsa",
            "private-key-openssh",
        ];
        assert_eq!(keyscan_ids("github-pat", &known), ["github-pat"]);
        assert_eq!(keyscan_ids("GitHub_PAT", &known), ["github-pat"]);
        assert_eq!(
            keyscan_ids("aws-access-token", &known),
            ["aws-access-key-id"]
        );
        assert_eq!(
            keyscan_ids("private-key", &known),
            ["private-key-rsa", "private-key-openssh"]
        );
        assert!(keyscan_ids("stripe-access-token", &known).is_empty());
        assert!(keyscan_ids("no-such-rule", &known).is_empty());
    }

    #[test]
    fn every_counterpart_is_a_keyscan_rule() {
        let rules =
            crate::rules::load_rule_set(&crate::rules::RuleOptions::builtin_only()).unwrap();
        let known: Vec<&str> = rules.rules().iter().map(|rule| rule.id.as_str()).collect();
        for (gitleaks, counterparts) in RENAMED {
            assert!(!known.contains(gitleaks), "{gitleaks} is a keyscan id too");
            for counterpart in *counterparts {
                let prefix = counterpart.strip_suffix('*');
                assert!(
                    known.iter().any(|id| match prefix {
                        Some(prefix) => id.starts_with(prefix),
                        None => id == counterpart,
                    }),
                    "{gitleaks} -> {counterpart}: no such keyscan rule"
                );
            }
        }
    }
}
