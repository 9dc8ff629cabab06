-- Holiday years entered by the zone's managers from the State Council's notice (G6; src/modules/calendar):
-- filings after 1 January are judged as soon as the notice is out, without a release. A year here
-- takes the place of the shipped one of the same year (src/core/calendar/years).
CREATE TABLE "holiday_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"notice" text NOT NULL,
	"holidays" jsonb NOT NULL,
	"make_up_workdays" jsonb NOT NULL,
	"entered_by" text NOT NULL,
	"entered_at" timestamp with time zone DEFAULT now() NOT NULL
);
