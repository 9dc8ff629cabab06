-- A risk-sharing loan's guarantor confirms its part (DESIGN.md roles: the guarantor officer "sees and
-- confirms risk-sharing loans of its own institution"; F14–F16): when and by whom, null until then.
ALTER TABLE "filings" ADD COLUMN "guarantor_confirmed_on" date;--> statement-breakpoint
ALTER TABLE "filings" ADD COLUMN "guarantor_confirmed_by" text;