//! JSON documents whose one long array (findings, results) is written an element at a
//! time: a report of a million findings never holds them all as JSON values at once.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// `items`, serialized as an array of `to_value(item)`, one element made at a time.
pub struct Streamed<'a, T, F> {
    /// The elements, in report order.
    pub items: &'a [T],
    /// The JSON of one element.
    pub to_value: F,
}

impl<T, F: Fn(&T) -> Value> Serialize for Streamed<'_, T, F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.items.iter().map(&self.to_value))
    }
}

/// A JSON object: the fields of `fields`, then `key` with the (possibly streamed)
/// `value`.
pub struct WithField<'a, V> {
    /// Every field but the streamed one.
    pub fields: &'a Map<String, Value>,
    /// The streamed field's name.
    pub key: &'static str,
    /// The streamed field's value.
    pub value: V,
}

impl<V: Serialize> Serialize for WithField<'_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.fields.len() + 1))?;
        for (key, value) in self.fields {
            map.serialize_entry(key, value)?;
        }
        map.serialize_entry(self.key, &self.value)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_streamed_field_reads_back_like_a_built_one() {
        let numbers = [1, 2, 3];
        let fields = json!({ "name": "n" });
        let streamed = WithField {
            fields: fields.as_object().unwrap(),
            key: "squares",
            value: Streamed {
                items: &numbers,
                to_value: |n: &i32| json!(n * n),
            },
        };
        let text = serde_json::to_string(&streamed).unwrap();
        let read: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(read, json!({ "name": "n", "squares": [1, 4, 9] }));
    }
}
