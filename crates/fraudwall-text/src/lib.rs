//! SMS text classification: normalization, features, sparse linear models. Pure: no IO.
