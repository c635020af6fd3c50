//! The references between a template's resources (`Ref`, `Fn::GetAtt`, `${...}` in `Fn::Sub`, `DependsOn`), and
//! the cycles CloudFormation refuses among them.

use super::template::{Kind, Node, Pos, TemplateError};

/// Refuses circular references between resources (`Ref`, `Fn::GetAtt`, `${...}` in `Fn::Sub`, `DependsOn`), as
/// CloudFormation does, naming the chain.
pub(crate) fn check_cycles(resources: &Node) -> Result<(), TemplateError> {
    let entries = resources.entries().unwrap_or_default();
    let ids: Vec<&str> = entries.iter().map(|(k, _)| k.name.as_str()).collect();
    let mut edges: Vec<Vec<(usize, Pos)>> = Vec::with_capacity(entries.len());
    for (_, node) in entries {
        let mut out = Vec::new();
        references(node, &ids, &mut out);
        edges.push(out);
    }
    // 0 unvisited, 1 on the path, 2 done.
    let mut state = vec![0u8; ids.len()];
    let mut path: Vec<usize> = Vec::new();
    for start in 0..ids.len() {
        if state[start] == 0
            && let Some((pos, from)) = visit(start, &edges, &mut state, &mut path)
        {
            let mut chain: Vec<&str> = path[from..].iter().map(|&i| ids[i]).collect();
            chain.push(ids[path[from]]);
            return Err(TemplateError::at(
                pos,
                format!(
                    "circular reference between resources: {}; CloudFormation refuses it: remove one of the references",
                    chain.join(" → ")
                ),
            ));
        }
    }
    Ok(())
}

/// Depth-first search from `at`; on a cycle, the position of the reference closing it and where it starts on
/// `path`.
fn visit(
    at: usize,
    edges: &[Vec<(usize, Pos)>],
    state: &mut [u8],
    path: &mut Vec<usize>,
) -> Option<(Pos, usize)> {
    state[at] = 1;
    path.push(at);
    for &(to, pos) in &edges[at] {
        match state[to] {
            1 => return path.iter().position(|&p| p == to).map(|from| (pos, from)),
            0 => {
                if let Some(found) = visit(to, edges, state, path) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    path.pop();
    state[at] = 2;
    None
}

/// The resources `node` refers to, with where.
fn references(node: &Node, ids: &[&str], out: &mut Vec<(usize, Pos)>) {
    let mut named = |name: &str, pos: Pos| {
        if let Some(i) = ids.iter().position(|id| *id == name) {
            out.push((i, pos));
        }
    };
    match (&node.kind, node.intrinsic()) {
        (_, Some(("Ref", arg))) => {
            if let Some(name) = arg.as_str() {
                named(name, arg.pos);
            }
        }
        (_, Some(("Fn::GetAtt", arg))) => {
            let first = arg
                .as_str()
                .map(|s| s.split('.').next().unwrap_or(s))
                .or_else(|| arg.as_list()?.first()?.as_str());
            if let Some(name) = first {
                named(name, arg.pos);
            }
        }
        (_, Some(("Fn::Sub", arg))) => {
            let template = arg
                .as_str()
                .or_else(|| arg.as_list()?.first()?.as_str())
                .unwrap_or("");
            for part in template.split("${").skip(1) {
                let name = part.split('}').next().unwrap_or("");
                if !name.starts_with('!') {
                    named(name.split('.').next().unwrap_or(name).trim(), arg.pos);
                }
            }
            if let Some([_, vars]) = arg.as_list() {
                references(vars, ids, out);
            }
        }
        (Kind::List(items), _) => items.iter().for_each(|i| references(i, ids, out)),
        (Kind::Map(entries), _) => {
            for (key, value) in entries {
                if key.name == "DependsOn" {
                    let names: Vec<&Node> = match value.as_list() {
                        Some(items) => items.iter().collect(),
                        None => vec![value],
                    };
                    for n in names {
                        if let Some(name) = n.as_str()
                            && let Some(i) = ids.iter().position(|id| *id == name)
                        {
                            out.push((i, n.pos));
                        }
                    }
                } else {
                    references(value, ids, out);
                }
            }
        }
        _ => {}
    }
}

/// Refuses a `Ref` or `Fn::GetAtt` anywhere in `node` to a name the template does not define, as CloudFormation
/// does before creating anything (the checked properties would catch it too, but not the others).
pub(crate) fn check_targets(
    node: &Node,
    parameters: &[&str],
    resources: &[&str],
) -> Result<(), TemplateError> {
    match (&node.kind, node.intrinsic()) {
        (_, Some(("Ref", arg))) => {
            if let Some(name) = arg.as_str()
                && !name.starts_with("AWS::")
                && !parameters.contains(&name)
                && !resources.contains(&name)
            {
                return Err(TemplateError::at(
                    arg.pos,
                    format!(
                        "`Ref` to `{name}`, which is neither a parameter, a pseudo parameter nor a resource of the template"
                    ),
                ));
            }
        }
        (_, Some(("Fn::GetAtt", arg))) => {
            let first = arg
                .as_str()
                .map(|s| s.split('.').next().unwrap_or(s))
                .or_else(|| arg.as_list()?.first()?.as_str());
            if let Some(name) = first
                && !resources.contains(&name)
            {
                return Err(TemplateError::at(
                    arg.pos,
                    format!("`Fn::GetAtt` of `{name}`, which is not a resource of the template"),
                ));
            }
        }
        (Kind::List(items), _) => {
            for item in items {
                check_targets(item, parameters, resources)?;
            }
        }
        (Kind::Map(entries), _) => {
            for (_, value) in entries {
                check_targets(value, parameters, resources)?;
            }
        }
        _ => {}
    }
    Ok(())
}
