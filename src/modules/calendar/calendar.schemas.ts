import { z } from '@hono/zod-openapi';
import { isoDateField } from '../registry/registry.schemas';

/** A year as the State Council's notice writes it (src/core/calendar/years/YYYY.json without its year, which is the path's). */
export const holidayYearInput = z
  .strictObject({
    notice: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .openapi({ example: '国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）' }),
    holidays: z
      .array(
        z.strictObject({
          name: z.string().trim().min(1).max(50).openapi({ example: '春节' }),
          from: isoDateField(),
          to: isoDateField(),
        }),
      )
      .min(1)
      .max(40)
      .openapi({ description: 'each holiday as the notice writes it: the days off from–to, weekends inside included' }),
    makeUpWorkdays: z
      .array(isoDateField())
      .max(40)
      .openapi({ description: 'every Saturday or Sunday the notice makes a working day (调休上班)' }),
  })
  .openapi('HolidayYearInput');

export const yearParam = z.object({
  year: z
    .string()
    .regex(/^\d{4}$/, 'must be a year such as 2027')
    .transform(Number)
    .refine((y) => y >= 2000 && y <= 2100, 'must be from 2000 to 2100')
    .openapi({ param: { name: 'year', in: 'path' }, example: '2027' }),
});

export const holidayYearSchema = z
  .object({
    year: z.number().int(),
    notice: z.string(),
    holidays: z.array(z.object({ name: z.string(), from: z.string(), to: z.string() })),
    makeUpWorkdays: z.array(z.string()),
    source: z.enum(['shipped', 'entered']).openapi({
      description: 'shipped with the code, or entered by a manager (in place of the shipped year, if any)',
    }),
    enteredBy: z.string().nullable(),
    enteredAt: z.string().nullable(),
  })
  .openapi('HolidayYear');

export const calendarSchema = z
  .object({
    covered: z.string().openapi({ example: '2023–2027' }),
    lastDay: z.string().openapi({
      example: '2027-12-31',
      description: 'filings after it cannot be judged until the next year is entered (G6)',
    }),
    years: z.array(holidayYearSchema),
  })
  .openapi('WorkingCalendar');

/** A year as a file (src/core/calendar/years/YYYY.json, or what `GET /api/calendar/{year}` answers: its `source` and `entered*` are left out): for the CLI. */
export const holidayYearFile = holidayYearInput
  .extend({
    year: z.number().int().min(2000, 'must be from 2000 to 2100').max(2100, 'must be from 2000 to 2100'),
  })
  .passthrough()
  .transform(({ year, notice, holidays, makeUpWorkdays }) => ({ year, notice, holidays, makeUpWorkdays }));
