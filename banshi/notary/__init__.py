"""公证 (notarization) as a kind of matter on the one engine: bookings of the offices' published
slots open the matter; its steps are the workflow definition `notary` (workflow.py).

What the assessment counts, read from the events (`CaseEvent.data`):

- bookings: events `nt_book` (measure `booked`); `data.video` true for a video booking,
  `data.weekend` true for a slot on a rest day (周末不打烊, from the legal calendar), `data.special`
  the special week's label (e.g. 遗嘱公证周) or "", `data.matter` the matter code, `data.mode`
  in_person | video, `data.booking_code`, `data.slot_id`, `data.office_id`.
- accepted applications: events `nt_accept` (measure `applied`); `data.period` (5wd/10wd/15wd),
  `data.due_at`, `data.video`, `data.weekend`, `data.matter`.
- certificates: events `nt_issue` (measure `issued`); `data.on_time` true when issued within the
  period (the `certificate` milestone met, not late), `data.one_visit` true when the citizen came
  to the office at most once (最多跑一次; 0 visits for a video matter delivered by mail or
  electronically), `data.visits`, `data.video`, `data.weekend`, `data.matter`,
  `data.certificate_number`, `data.delivery`.
- refusals: events `nt_refuse` (measure `refused`), `data.reason_code` (公证法 art. 31).
"""
