"""The top layer: a person's data export and erasure, collected from each app's personal_data.py."""
