import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { requireActor, type AppEnv } from '../shared/http-env';
import { body, errors, json } from '../shared/openapi';
import type { Db } from '../shared/db';
import { calendarSchema, holidayYearInput, holidayYearSchema, yearParam } from './calendar.schemas';
import * as uc from './calendar.usecases';

const tags = ['calendar'];

const example2027 = {
  notice: '国务院办公厅关于2027年部分节假日安排的通知',
  holidays: [
    { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
    { name: '春节', from: '2027-02-06', to: '2027-02-14' },
  ],
  makeUpWorkdays: ['2027-01-30', '2027-02-20'],
};

const routes = {
  get: createRoute({
    method: 'get',
    path: '/api/calendar',
    tags,
    summary: 'The working-day calendar filing deadlines are counted on (G6): every year, shipped or entered',
    responses: { 200: json(calendarSchema, 'The calendar'), 401: errors[401] },
  }),
  year: createRoute({
    method: 'get',
    path: '/api/calendar/{year}',
    tags,
    summary: 'One year of the calendar, as `backstop evaluate --holiday-year` takes it',
    request: { params: yearParam },
    responses: { 200: json(holidayYearSchema, 'The year'), 400: errors[400], 401: errors[401], 404: errors[404] },
  }),
  enter: createRoute({
    method: 'put',
    path: '/api/calendar/{year}',
    tags,
    summary:
      'Enter the next year from the State Council’s holiday notice, or correct a year (G6); takes effect at once, audited',
    request: { params: yearParam, ...body(holidayYearInput, example2027) },
    responses: {
      201: json(holidayYearSchema, 'Entered'),
      200: json(holidayYearSchema, 'Corrected'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
    },
  }),
};

/** `reloadCalendar`: the process judges by the new calendar from the next request on. */
export function calendarRoutes({ db, reloadCalendar }: { db: Db; reloadCalendar: () => Promise<void> }) {
  return new OpenAPIHono<AppEnv>()
    .openapi(routes.get, async (c) => {
      requireActor(c, 'calendar:read');
      return c.json(await uc.getCalendar({ db }), 200);
    })
    .openapi(routes.year, async (c) => {
      requireActor(c, 'calendar:read');
      return c.json(await uc.getHolidayYear({ db, year: c.req.valid('param').year }), 200);
    })
    .openapi(routes.enter, async (c) => {
      const { view, created } = await uc.enterHolidayYear({
        db,
        actor: requireActor(c, 'calendar:write'),
        year: { year: c.req.valid('param').year, ...c.req.valid('json') },
      });
      await reloadCalendar();
      return c.json(view, created ? 201 : 200);
    });
}
