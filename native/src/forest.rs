//! Gradient-boosted forest inference: cleaner/content/forest.py `Forest._raw` and
//! `Forest._contributions`, summed in the same order (f64, tree order, root to leaf) so the
//! two agree bit for bit.  Python validates the model; the checks here keep every walk in
//! bounds and finite whatever the caller passes.
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// One node, the fields a walk reads together.  `feature < 0` marks a leaf; children are
/// absolute indices into the forest's node array.
#[derive(Clone, Copy)]
struct Node {
    threshold: f64,
    feature: i32,
    left: u32,
    right: u32,
}

#[pyclass(frozen)]
pub struct Forest {
    n_features: usize,
    n_classes: usize,
    base: Vec<f64>,
    roots: Vec<usize>,
    nodes: Vec<Node>,
    value: Vec<f64>,
}

fn invalid(msg: String) -> PyErr {
    PyValueError::new_err(msg)
}

impl Forest {
    /// The leaf a row reaches from `root`.
    #[inline]
    fn leaf(&self, root: usize, x: &[f64]) -> usize {
        let mut i = root;
        loop {
            let n = self.nodes[i];
            if n.feature < 0 {
                return i;
            }
            i = if x[n.feature as usize] <= n.threshold { n.left } else { n.right } as usize;
        }
    }

    fn check_finite(&self, rows: &[f64]) -> PyResult<()> {
        match rows.iter().position(|v| !v.is_finite()) {
            None => Ok(()),
            Some(p) => Err(invalid(format!(
                "row {}, feature {}: not a finite number",
                p / self.n_features,
                p % self.n_features
            ))),
        }
    }
}

#[pymethods]
impl Forest {
    /// From the trees' arrays concatenated (children and features as in the model file,
    /// indices local to their tree) and the index where each tree starts.
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        n_features: usize,
        n_classes: usize,
        base_score: Vec<f64>,
        roots: Vec<usize>,
        feature: Vec<i64>,
        threshold: Vec<f64>,
        left: Vec<i64>,
        right: Vec<i64>,
        value: Vec<f64>,
    ) -> PyResult<Self> {
        let total = feature.len();
        if n_features == 0 || n_classes == 0 || base_score.len() != n_classes {
            return Err(invalid("forest: bad n_features, n_classes or base_score".into()));
        }
        if [threshold.len(), left.len(), right.len(), value.len()].iter().any(|&l| l != total) || total > u32::MAX as usize {
            return Err(invalid("forest: node arrays differ in length".into()));
        }
        if roots.is_empty() || roots[0] != 0 || roots.windows(2).any(|w| w[0] >= w[1]) || roots[roots.len() - 1] >= total {
            return Err(invalid("forest: tree starts must rise from 0 within the nodes".into()));
        }
        if base_score.iter().chain(&threshold).chain(&value).any(|v| !v.is_finite()) {
            return Err(invalid("forest: a base score, threshold or value is not finite".into()));
        }
        let mut nodes = Vec::with_capacity(total);
        for (t, &start) in roots.iter().enumerate() {
            let end = roots.get(t + 1).copied().unwrap_or(total);
            for i in start..end {
                let local = (i - start) as i64;
                let f = feature[i];
                let node = if f < 0 {
                    if f != -1 || left[i] != -1 || right[i] != -1 {
                        return Err(invalid(format!("forest: tree {t} node {local}: bad leaf")));
                    }
                    Node { threshold: threshold[i], feature: -1, left: 0, right: 0 }
                } else {
                    let n = (end - start) as i64;
                    // Children after their parent, inside the tree: every walk ends.
                    if f as usize >= n_features || !(local < left[i] && left[i] < n && local < right[i] && right[i] < n) {
                        return Err(invalid(format!("forest: tree {t} node {local}: feature or child out of range")));
                    }
                    Node {
                        threshold: threshold[i],
                        feature: f as i32,
                        left: (start as i64 + left[i]) as u32,
                        right: (start as i64 + right[i]) as u32,
                    }
                };
                nodes.push(node);
            }
        }
        Ok(Forest { n_features, n_classes, base: base_score, roots, nodes, value })
    }

    /// Raw scores of `n_rows` rows given row-major: `n_rows * n_classes` values, row-major.
    fn raw(&self, py: Python<'_>, flat_rows: Vec<f64>, n_rows: usize) -> PyResult<Vec<f64>> {
        if Some(flat_rows.len()) != n_rows.checked_mul(self.n_features) {
            return Err(invalid(format!("{} values for {n_rows} rows of {} features", flat_rows.len(), self.n_features)));
        }
        self.check_finite(&flat_rows)?;
        Ok(py.detach(|| {
            let k = self.n_classes;
            let mut out: Vec<f64> = self.base.iter().copied().cycle().take(n_rows * k).collect();
            // Tree by tree (its nodes stay in cache), each row's sums still in tree order.
            for (t, &root) in self.roots.iter().enumerate() {
                for (sums, x) in out.chunks_exact_mut(k).zip(flat_rows.chunks_exact(self.n_features)) {
                    sums[t % k] += self.value[self.leaf(root, x)];
                }
            }
            out
        }))
    }

    /// Saabas contributions of class `k` for one row, one value per feature.
    fn contributions(&self, row: Vec<f64>, k: usize) -> PyResult<Vec<f64>> {
        if row.len() != self.n_features || k >= self.n_classes {
            return Err(invalid(format!(
                "a row of {} features and a class below {} expected",
                self.n_features, self.n_classes
            )));
        }
        self.check_finite(&row)?;
        let mut out = vec![0.0; self.n_features];
        for &root in self.roots.iter().skip(k).step_by(self.n_classes) {
            let mut i = root;
            loop {
                let n = self.nodes[i];
                if n.feature < 0 {
                    break;
                }
                let f = n.feature as usize;
                let child = if row[f] <= n.threshold { n.left } else { n.right } as usize;
                out[f] += self.value[child] - self.value[i];
                i = child;
            }
        }
        Ok(out)
    }

    fn __len__(&self) -> usize {
        self.roots.len()
    }
}
