//! Evaluation order: strongly connected components of the item graph
//! (iterative Tarjan, so a long chain of locals cannot overflow the stack),
//! emitted dependencies first. A component of more than one item, or an item
//! that depends on itself, is a cycle.

/// Components of `deps` (item → the items it depends on), dependencies
/// before dependents; within the order items are visited by index, so the
/// result is deterministic.
pub(crate) fn components(deps: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = deps.len();
    const NONE: usize = usize::MAX;
    let mut index = vec![NONE; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    let mut next = 0usize;
    // (node, position in its edge list)
    let mut work: Vec<(usize, usize)> = Vec::new();
    for start in 0..n {
        if index[start] != NONE {
            continue;
        }
        work.push((start, 0));
        while let Some(&mut (v, ref mut pos)) = work.last_mut() {
            if *pos == 0 && index[v] == NONE {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            let edges = deps.get(v).map_or(&[][..], Vec::as_slice);
            if let Some(&w) = edges.get(*pos) {
                *pos += 1;
                if w >= n {
                    continue;
                }
                if index[w] == NONE {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                comp.sort_unstable();
                out.push(comp);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_come_first() {
        // 0 → 1 → 2
        let c = components(&[vec![1], vec![2], vec![]]);
        assert_eq!(c, [vec![2], vec![1], vec![0]]);
    }

    #[test]
    fn cycles_are_one_component() {
        // 0 ↔ 1, 2 → 0, 3 → 3
        let c = components(&[vec![1], vec![0], vec![0], vec![3]]);
        assert_eq!(c, [vec![0, 1], vec![2], vec![3]]);
    }

    #[test]
    fn long_chains_do_not_recurse() {
        let n = 200_000;
        let deps: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        let c = components(&deps);
        assert_eq!(c.len(), n);
        assert_eq!(c[0], vec![n - 1]);
    }
}
