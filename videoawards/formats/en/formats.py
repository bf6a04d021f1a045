"""English dates as people here read them: "4 December 2026, 18:00".

Django's own English formats end a time with "p.m.", so every sentence that ends with a
date ended in "p.m.." and "midnight"/"noon" replaced the hour. Our users are in Europe
and many are young: day, month in words and a 24-hour clock are unambiguous in any of
them. German and Swedish keep Django's formats, which already read this way.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
