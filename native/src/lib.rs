//! Native core of clean-articles: the hot pure functions of the text pipeline, one call per
//! document, and the content model's tree inference (forest.rs).  Each function has a
//! Python twin (the reference, see cleaner/native.py); the two agree exactly: lengths count
//! code points and character classes come from the building Python's tables, never from
//! Rust's own.
mod chars;
mod features;
mod forest;
mod textkey;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use std::collections::HashSet;

/// The code points of a Python str, or None when it cannot be UTF-8 (a lone surrogate):
/// the caller then uses the Python twin.
fn code_points(s: &Bound<'_, PyAny>) -> Option<Vec<char>> {
    let s = s.cast::<PyString>().ok()?;
    s.to_str().ok().map(|t| t.chars().collect())
}

/// A stopword set, built once per language.
#[pyclass(frozen)]
struct Stopwords {
    set: HashSet<String>,
}

#[pymethods]
impl Stopwords {
    #[new]
    fn new(words: &Bound<'_, PyAny>) -> PyResult<Self> {
        let mut set = HashSet::new();
        for w in words.try_iter()? {
            set.insert(w?.extract::<String>()?);
        }
        Ok(Stopwords { set })
    }

    fn __len__(&self) -> usize {
        self.set.len()
    }
}

/// `features` of each (text, link_chars): a list of feature dicts, None where the text
/// holds a lone surrogate.
#[pyfunction]
fn features_many<'py>(
    py: Python<'py>,
    stopwords: &Stopwords,
    texts: &Bound<'py, PyList>,
    links: &Bound<'py, PyList>,
    length_low: usize,
    sentence_lower_share: f64,
) -> PyResult<Bound<'py, PyList>> {
    let p = features::Params { length_low, sentence_lower_share };
    let out = PyList::empty(py);
    for (t, l) in texts.iter().zip(links.iter()) {
        let Some(chars) = code_points(&t) else {
            out.append(py.None())?;
            continue;
        };
        let f = features::features(&chars, l.extract::<i64>()?, &stopwords.set, &p);
        let d = PyDict::new(py);
        d.set_item(pyo3::intern!(py, "length"), f.length)?;
        d.set_item(pyo3::intern!(py, "stop"), f.stop)?;
        d.set_item(pyo3::intern!(py, "lower"), f.lower)?;
        d.set_item(pyo3::intern!(py, "sentence"), f.sentence)?;
        d.set_item(pyo3::intern!(py, "link"), f.link)?;
        out.append(d)?;
    }
    Ok(out)
}

/// `lowers_by_word(text)` (None for a lone surrogate).
#[pyfunction]
fn lowers_by_word(text: &Bound<'_, PyAny>) -> Option<bool> {
    code_points(text).map(|c| features::lowers_by_word(&c))
}

/// `_long_spaceless(text, p)` with `p.length_low` (None for a lone surrogate).
#[pyfunction]
fn long_spaceless(text: &Bound<'_, PyAny>, length_low: usize) -> Option<bool> {
    code_points(text).map(|c| features::long_spaceless(&c, length_low))
}

/// `str.lower()` (None for a lone surrogate).
#[pyfunction]
fn lower(text: &Bound<'_, PyAny>) -> Option<String> {
    code_points(text).map(|c| chars::lower(&c).into_iter().collect())
}

/// (CJK characters, characters of spaceless scripts) in `text`, for the table check.
#[pyfunction]
fn count_classes(text: &Bound<'_, PyAny>) -> Option<(usize, usize)> {
    code_points(text).map(|c| {
        (c.iter().filter(|&&x| chars::is_cjk(x)).count(), c.iter().filter(|&&x| chars::is_spaceless(x)).count())
    })
}

/// textkey `key(text)` (None for a lone surrogate).
#[pyfunction]
fn key(text: &Bound<'_, PyAny>) -> Option<String> {
    let s = text.cast::<PyString>().ok()?.to_str().ok()?;
    Some(if s.is_ascii() { textkey::ascii_key(s) } else { textkey::key(&s.chars().collect::<Vec<_>>()) })
}

/// textkey `keys_where_shared(texts)`; None when a text holds a lone surrogate.
#[pyfunction]
fn keys_where_shared<'py>(py: Python<'py>, texts: &Bound<'py, PyList>) -> PyResult<Option<Bound<'py, PyList>>> {
    // (key, signature) per text; a key is computed only where it is needed.
    let mut keys: Vec<Option<String>> = Vec::with_capacity(texts.len());
    let mut sigs: Vec<Option<String>> = Vec::with_capacity(texts.len());
    let mut ascii: Vec<bool> = Vec::with_capacity(texts.len());
    for t in texts.iter() {
        if t.is_none() {
            keys.push(None);
            sigs.push(None);
            ascii.push(false);
            continue;
        }
        let Ok(s) = t.cast::<PyString>() else { return Ok(None) };
        let Ok(s) = s.to_str() else { return Ok(None) };
        if s.is_ascii() {
            keys.push(None);
            sigs.push(Some(textkey::ascii_signature(s)));
            ascii.push(true);
        } else {
            let chars: Vec<char> = s.chars().collect();
            let k = textkey::key(&chars);
            sigs.push(Some(k.replace(' ', "")));
            keys.push(Some(k));
            ascii.push(false);
        }
    }
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for sig in sigs.iter().flatten() {
        *counts.entry(sig.as_str()).or_insert(0) += 1;
    }
    let out = PyList::empty(py);
    for (i, t) in texts.iter().enumerate() {
        if t.is_none() {
            out.append(py.None())?;
        } else if ascii[i] {
            if counts[sigs[i].as_deref().unwrap()] == 1 {
                out.append(PyTuple::new(py, [i])?)?;
            } else {
                out.append(textkey::ascii_key(t.cast::<PyString>()?.to_str()?))?;
            }
        } else {
            out.append(keys[i].as_deref().unwrap())?;
        }
    }
    Ok(Some(out))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("UNIDATA_VERSION", chars::UNIDATA_VERSION)?;
    m.add_class::<Stopwords>()?;
    m.add_class::<forest::Forest>()?;
    m.add_function(wrap_pyfunction!(features_many, m)?)?;
    m.add_function(wrap_pyfunction!(lowers_by_word, m)?)?;
    m.add_function(wrap_pyfunction!(long_spaceless, m)?)?;
    m.add_function(wrap_pyfunction!(lower, m)?)?;
    m.add_function(wrap_pyfunction!(count_classes, m)?)?;
    m.add_function(wrap_pyfunction!(key, m)?)?;
    m.add_function(wrap_pyfunction!(keys_where_shared, m)?)?;
    Ok(())
}
