"""What accounts announce; other apps react without accounts knowing them."""

from django.dispatch import Signal

# Sent with user= after a guardian withdrew consent: nothing of the user's may stay public.
consent_withdrawn = Signal()

# Sent with user= inside the erasure transaction, before the account's rows are deleted.
# Apps keep aggregate numbers without the person here (voting: anonymise the user's
# votes so totals stay, e.g. set the voter to NULL; see privacy/erasure.py).
account_erasing = Signal()
