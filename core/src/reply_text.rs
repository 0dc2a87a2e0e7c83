//! The text an agent's reply starts from, as OTRS builds it: the queue's salutation,
//! the chosen standard template, and the queue's signature, with OTRS's `<OTRS_…>` tags
//! filled in. A tag goats cannot fill becomes `-`, as in OTRS.

/// What the tags in salutations, templates and signatures can refer to.
#[derive(Debug, Clone, Default)]
pub struct ReplyContext {
    pub ticket_number: String,
    pub ticket_title: String,
    pub customer_first_name: String,
    pub customer_last_name: String,
    pub customer_email: String,
    /// The ticket's owner (`<OTRS_OWNER_…>`) and the agent writing (`<OTRS_Agent_…>`,
    /// `<OTRS_CURRENT_…>`).
    pub owner_first_name: String,
    pub owner_last_name: String,
    pub agent_first_name: String,
    pub agent_last_name: String,
    /// The customer's mail being answered (`<OTRS_CUSTOMER_SUBJECT[n]>`,
    /// `<OTRS_CUSTOMER_EMAIL[n]>`); empty when there is none.
    pub customer_subject: String,
    pub customer_body: String,
}

/// Salutation, template and signature, in that order, each with its tags replaced.
pub fn compose(
    salutation: Option<&str>,
    template: Option<&str>,
    signature: Option<&str>,
    ctx: &ReplyContext,
) -> String {
    let mut out = String::new();
    for part in [salutation, template, signature].into_iter().flatten() {
        let filled = fill(part, ctx);
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        if !out.is_empty() && !filled.is_empty() {
            out.push('\n');
        }
        out.push_str(&filled);
    }
    out
}

/// Replaces every `<OTRS_…>` tag in `text`.
pub fn fill(text: &str, ctx: &ReplyContext) -> String {
    fill_with(text, |tag| tag_value(tag, ctx).filter(|v| !v.is_empty()))
}

/// Replaces every `<OTRS_…>` tag in `text` by what `value` gives for it (the tag without
/// its angle brackets); a tag it has nothing for becomes `-`, one it has an empty value
/// for (a setting left empty) nothing.
pub fn fill_with(text: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("<OTRS_") {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find('>') else {
            out.push_str(&rest[at..]);
            return out;
        };
        let tag = &rest[at + 1..at + end];
        out.push_str(value(tag).as_deref().unwrap_or("-"));
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    out
}

/// What a tag of the reply texts stands for in `ctx`.
pub fn tag_value(tag: &str, ctx: &ReplyContext) -> Option<String> {
    // `NAME[n]`: the first n characters of a subject, or n lines of a body.
    if let Some((name, n)) = tag.strip_suffix(']').and_then(|t| t.split_once('[')) {
        let n: usize = n.trim().parse().ok()?;
        return match name {
            "OTRS_CUSTOMER_SUBJECT" => Some(first_chars(&ctx.customer_subject, n)),
            "OTRS_CUSTOMER_EMAIL" | "OTRS_CUSTOMER_BODY" => Some(quoted_lines(&ctx.customer_body, n)),
            _ => None,
        };
    }
    let field = match tag {
        "OTRS_CUSTOMER_SUBJECT" => &ctx.customer_subject,
        "OTRS_CUSTOMER_REALNAME" => return Some(customer_realname(ctx)),
        "OTRS_TICKET_TicketNumber" | "OTRS_TICKET_NUMBER" => &ctx.ticket_number,
        "OTRS_TICKET_Title" => &ctx.ticket_title,
        "OTRS_CUSTOMER_UserFirstname" | "OTRS_CUSTOMER_DATA_UserFirstname" => &ctx.customer_first_name,
        "OTRS_CUSTOMER_UserLastname" | "OTRS_CUSTOMER_DATA_UserLastname" => &ctx.customer_last_name,
        "OTRS_CUSTOMER_UserEmail" | "OTRS_CUSTOMER_DATA_UserEmail" => &ctx.customer_email,
        "OTRS_OWNER_UserFirstname" => &ctx.owner_first_name,
        "OTRS_OWNER_UserLastname" => &ctx.owner_last_name,
        "OTRS_Agent_UserFirstname" | "OTRS_CURRENT_UserFirstname" => &ctx.agent_first_name,
        "OTRS_Agent_UserLastname" | "OTRS_CURRENT_UserLastname" => &ctx.agent_last_name,
        _ => return None,
    };
    Some(field.clone())
}

/// A subject cut to `n` characters, `[...]` marking the cut, as OTRS does.
fn first_chars(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        format!("{} [...]", text.chars().take(n).collect::<String>())
    }
}

/// The first `n` lines of a mail, quoted with `> `.
fn quoted_lines(body: &str, n: usize) -> String {
    body.lines().take(n).map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n")
}

/// `<OTRS_CUSTOMER_REALNAME>`: the customer's full name, or their address when the
/// name is unknown.
pub fn customer_realname(ctx: &ReplyContext) -> String {
    let name = format!("{} {}", ctx.customer_first_name, ctx.customer_last_name).trim().to_string();
    if name.is_empty() { ctx.customer_email.clone() } else { name }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ReplyContext {
        ReplyContext {
            ticket_number: "2026112510000017".into(),
            ticket_title: "Printer on fire".into(),
            customer_first_name: "Pat".into(),
            customer_last_name: "Lee".into(),
            customer_email: "pat@example.com".into(),
            owner_first_name: "Olga".into(),
            owner_last_name: "Owner".into(),
            agent_first_name: "Alice".into(),
            agent_last_name: "Archer".into(),
            customer_subject: "The printer on the second floor is on fire".into(),
            customer_body: "Line one\nLine two\nLine three".into(),
        }
    }

    #[test]
    fn the_customers_mail_is_quoted_as_asked() {
        let text = "RE: <OTRS_CUSTOMER_SUBJECT[24]>\nYou wrote:\n<OTRS_CUSTOMER_EMAIL[2]>";
        assert_eq!(fill(text, &ctx()), "RE: The printer on the secon [...]\nYou wrote:\n> Line one\n> Line two");
        assert_eq!(fill("<OTRS_CUSTOMER_SUBJECT[99]>", &ctx()), "The printer on the second floor is on fire");
        assert_eq!(fill("<OTRS_UNKNOWN[3]>", &ctx()), "-");
    }

    #[test]
    fn salutation_template_and_signature_are_joined_with_their_tags_filled() {
        let text = compose(
            Some("Hello <OTRS_CUSTOMER_REALNAME>,\n"),
            Some("About <OTRS_TICKET_Title> (<OTRS_TICKET_TicketNumber>): fixed."),
            Some("\n-- \n<OTRS_Agent_UserFirstname> <OTRS_Agent_UserLastname>\n"),
            &ctx(),
        );
        assert_eq!(text, "Hello Pat Lee,\n\nAbout Printer on fire (2026112510000017): fixed.\n\n\n-- \nAlice Archer\n");
    }

    #[test]
    fn unknown_or_empty_tags_become_a_dash_as_in_otrs() {
        let mut c = ctx();
        c.customer_last_name.clear();
        assert_eq!(fill("<OTRS_CONFIG_Secret> <OTRS_CUSTOMER_UserLastname>!", &c), "- -!");
        assert_eq!(fill("a <OTRS_unterminated", &c), "a <OTRS_unterminated");
        assert_eq!(fill("no tags", &c), "no tags");
    }

    #[test]
    fn the_real_name_falls_back_to_the_address() {
        let mut c = ctx();
        assert_eq!(customer_realname(&c), "Pat Lee");
        c.customer_first_name.clear();
        c.customer_last_name.clear();
        assert_eq!(customer_realname(&c), "pat@example.com");
    }
}
