CREATE TABLE "login_throttle_accounts" (
	"username" text PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	"last_try_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_throttle_addresses" (
	"address" text PRIMARY KEY NOT NULL,
	"level" double precision NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "login_throttle_accounts_at_ix" ON "login_throttle_accounts" USING btree ("last_try_at");--> statement-breakpoint
CREATE INDEX "login_throttle_addresses_at_ix" ON "login_throttle_addresses" USING btree ("at");--> statement-breakpoint
DROP TABLE "login_failures" CASCADE;
