import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { HolidayYear, HolidayYearInput, WorkingCalendar } from './types';

export const CALENDAR_KEY = ['calendar'] as const;

/** The working-day calendar (G6): every year shipped or entered, and the last day it covers. */
export function useCalendar() {
  return useQuery({ queryKey: CALENDAR_KEY, queryFn: () => api<WorkingCalendar>('/api/calendar') });
}

/** Enters the next year or corrects one the calendar holds (managers); in force at once. */
export const putHolidayYear = (year: number, body: HolidayYearInput) =>
  api<HolidayYear>(`/api/calendar/${year}`, { method: 'PUT', body });
