//! Small helpers to write and read DynamoDB items without ceremony.

use std::collections::HashMap;

use anyhow::{Context, anyhow};
use aws_sdk_dynamodb::types::AttributeValue;
use time::OffsetDateTime;

pub type Item = HashMap<String, AttributeValue>;

pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

pub fn epoch(at: OffsetDateTime) -> AttributeValue {
    n(at.unix_timestamp())
}

/// Builds an item from `(name, value)` pairs.
pub fn item<const N: usize>(pairs: [(&str, AttributeValue); N]) -> Item {
    pairs
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

/// Reads typed attributes out of an item, naming the attribute when one is missing
/// or of the wrong type.
pub struct Reader<'a>(pub &'a Item);

impl Reader<'_> {
    pub fn string(&self, name: &str) -> anyhow::Result<&str> {
        match self.0.get(name) {
            Some(AttributeValue::S(value)) => Ok(value),
            Some(_) => Err(anyhow!("attribute {name} is not a string")),
            None => Err(anyhow!("attribute {name} is missing")),
        }
    }

    pub fn number(&self, name: &str) -> anyhow::Result<i64> {
        match self.0.get(name) {
            Some(AttributeValue::N(value)) => value
                .parse()
                .with_context(|| format!("attribute {name} is not a whole number")),
            Some(_) => Err(anyhow!("attribute {name} is not a number")),
            None => Err(anyhow!("attribute {name} is missing")),
        }
    }

    pub fn boolean(&self, name: &str) -> anyhow::Result<bool> {
        match self.0.get(name) {
            Some(AttributeValue::Bool(value)) => Ok(*value),
            Some(_) => Err(anyhow!("attribute {name} is not a boolean")),
            None => Err(anyhow!("attribute {name} is missing")),
        }
    }

    /// A boolean attribute, `false` when it is missing (items written before it).
    pub fn flag(&self, name: &str) -> anyhow::Result<bool> {
        match self.0.contains_key(name) {
            true => self.boolean(name),
            false => Ok(false),
        }
    }

    /// A count that is zero while missing (items written before it), never negative.
    pub fn count(&self, name: &str) -> anyhow::Result<u64> {
        match self.0.contains_key(name) {
            true => u64::try_from(self.number(name)?)
                .with_context(|| format!("attribute {name} is negative")),
            false => Ok(0),
        }
    }

    pub fn time(&self, name: &str) -> anyhow::Result<OffsetDateTime> {
        OffsetDateTime::from_unix_timestamp(self.number(name)?)
            .with_context(|| format!("attribute {name} is not a valid time"))
    }

    pub fn optional_time(&self, name: &str) -> anyhow::Result<Option<OffsetDateTime>> {
        if self.0.contains_key(name) {
            self.time(name).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Reads a string attribute and parses it with `parse`.
    pub fn parsed<T, E>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> anyhow::Result<T> {
        let raw = self.string(name)?;
        parse(raw).map_err(|_| anyhow!("attribute {name} holds an invalid value"))
    }
}
