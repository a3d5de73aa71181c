import fc from 'fast-check';
import { amsterdamOffice, officeHours } from '../testing/fixtures';
import {
  BusinessCalendar,
  addBusinessMilliseconds,
  addBusinessMinutes,
  businessMillisecondsBetween,
  businessMinutesBetween,
  calendarProblems,
  endOfNthBusinessDayAfter,
} from './business-calendar';

const ms = (iso: string) => Date.parse(iso);
const allDay = [{ from: '00:00', to: '24:00' }];
const everyDay = (shifts: { from: string; to: string }[]) => ({
  monday: shifts,
  tuesday: shifts,
  wednesday: shifts,
  thursday: shifts,
  friday: shifts,
  saturday: shifts,
  sunday: shifts,
});
const allWeek = (timeZone: string, holidays: string[] = []): BusinessCalendar => ({
  timeZone,
  workingHours: everyDay(allDay),
  holidays,
});
const nightShift: BusinessCalendar = {
  timeZone: 'America/New_York',
  workingHours: everyDay([{ from: '22:00', to: '06:00' }]),
  holidays: [],
};
const kolkataOffice: BusinessCalendar = {
  timeZone: 'Asia/Kolkata',
  workingHours: { monday: officeHours, tuesday: officeHours, wednesday: officeHours, thursday: officeHours },
  holidays: ['2026-08-15'],
};
const kathmanduSplitShift: BusinessCalendar = {
  timeZone: 'Asia/Kathmandu',
  workingHours: {
    sunday: [
      { from: '08:00', to: '12:00' },
      { from: '13:00', to: '17:30' },
    ],
    monday: [{ from: '08:00', to: '12:00' }],
  },
  holidays: [],
};

describe('business minutes between two instants', () => {
  it('counts only working hours within a day', () => {
    // Monday 2 March 2026, Amsterdam is UTC+1.
    expect(
      businessMinutesBetween(amsterdamOffice, ms('2026-03-02T08:00:00Z'), ms('2026-03-02T11:00:00Z')),
    ).toBe(180);
    expect(
      businessMinutesBetween(amsterdamOffice, ms('2026-03-02T06:00:00Z'), ms('2026-03-02T09:00:00Z')),
    ).toBe(60);
  });

  it('skips the weekend', () => {
    // Friday 16:00 to Monday 10:00 local: one hour on Friday, one on Monday.
    expect(
      businessMinutesBetween(
        amsterdamOffice,
        ms('2026-03-06T16:00:00+01:00'),
        ms('2026-03-09T10:00:00+01:00'),
      ),
    ).toBe(120);
  });

  it('skips holidays', () => {
    // Thursday 24 Dec 16:00 to Monday 28 Dec 10:00: Christmas (Fri) is a holiday, the 26th a Saturday.
    expect(
      businessMinutesBetween(
        amsterdamOffice,
        ms('2026-12-24T16:00:00+01:00'),
        ms('2026-12-28T10:00:00+01:00'),
      ),
    ).toBe(120);
  });

  it('counts the 23-hour day when clocks go forward and the 25-hour day when they go back', () => {
    const amsterdam = allWeek('Europe/Amsterdam');
    // 29 March 2026 02:00 -> 03:00 in Amsterdam.
    expect(
      businessMinutesBetween(amsterdam, ms('2026-03-28T12:00:00+01:00'), ms('2026-03-29T12:00:00+02:00')),
    ).toBe(23 * 60);
    // 25 October 2026 03:00 -> 02:00.
    expect(
      businessMinutesBetween(amsterdam, ms('2026-10-24T12:00:00+02:00'), ms('2026-10-25T12:00:00+01:00')),
    ).toBe(25 * 60);
  });

  it('keeps office hours on local time across DST (9 to 5 stays 9 to 5)', () => {
    // Friday before and Monday after the spring change: both full 8-hour days.
    expect(
      businessMinutesBetween(
        amsterdamOffice,
        ms('2026-03-27T00:00:00+01:00'),
        ms('2026-03-31T00:00:00+02:00'),
      ),
    ).toBe(16 * 60);
    // The Monday after: 09:00 local is 07:00Z.
    expect(
      businessMinutesBetween(amsterdamOffice, ms('2026-03-30T07:00:00Z'), ms('2026-03-30T08:00:00Z')),
    ).toBe(60);
  });

  it('counts a night shift that spans midnight, and the hours really worked on DST nights', () => {
    // A normal night in New York: 22:00 to 06:00 = 8 hours.
    expect(
      businessMinutesBetween(nightShift, ms('2026-03-03T20:00:00-05:00'), ms('2026-03-04T08:00:00-05:00')),
    ).toBe(480);
    // The night of 7-8 March 2026 loses an hour (02:00 -> 03:00): 7 hours worked.
    expect(
      businessMinutesBetween(nightShift, ms('2026-03-07T20:00:00-05:00'), ms('2026-03-08T08:00:00-04:00')),
    ).toBe(420);
    // The night of 31 Oct - 1 Nov 2026 gains one: 9 hours.
    expect(
      businessMinutesBetween(nightShift, ms('2026-10-31T20:00:00-04:00'), ms('2026-11-01T08:00:00-05:00')),
    ).toBe(540);
    // From inside a shift that started the day before.
    expect(
      businessMinutesBetween(nightShift, ms('2026-03-04T01:00:00-05:00'), ms('2026-03-04T12:00:00-05:00')),
    ).toBe(300);
  });

  it('handles zones with half- and quarter-hour offsets', () => {
    // Kolkata is UTC+05:30: 09:00-17:00 local is 03:30Z-11:30Z.
    expect(
      businessMinutesBetween(kolkataOffice, ms('2026-06-01T03:00:00Z'), ms('2026-06-01T12:00:00Z')),
    ).toBe(480);
    // Independence Day (Sat 15 Aug 2026 here is not a working day anyway); Thursday 13 Aug is.
    expect(
      businessMinutesBetween(kolkataOffice, ms('2026-08-13T04:30:00Z'), ms('2026-08-13T05:15:00Z')),
    ).toBe(45);
    // Kathmandu is UTC+05:45; Sunday 7 June 2026 split shift = 4h + 4.5h.
    expect(
      businessMinutesBetween(
        kathmanduSplitShift,
        ms('2026-06-07T00:00:00+05:45'),
        ms('2026-06-08T00:00:00+05:45'),
      ),
    ).toBe(510);
  });

  it("handles Lord Howe Island's half-hour DST change", () => {
    const lordHowe = allWeek('Australia/Lord_Howe');
    // 5 April 2026 02:00 +11:00 -> 01:30 +10:30: that day lasts 24.5 hours.
    expect(
      businessMinutesBetween(lordHowe, ms('2026-04-05T00:00:00+11:00'), ms('2026-04-06T00:00:00+10:30')),
    ).toBe(24 * 60 + 30);
  });

  it('is negative when the instants are given in reverse order', () => {
    expect(
      businessMinutesBetween(
        amsterdamOffice,
        ms('2026-03-02T11:00:00+01:00'),
        ms('2026-03-02T10:00:00+01:00'),
      ),
    ).toBe(-60);
  });
});

describe('adding business minutes', () => {
  it('carries over the weekend', () => {
    expect(addBusinessMinutes(amsterdamOffice, ms('2026-03-06T16:00:00+01:00'), 120)).toBe(
      ms('2026-03-09T10:00:00+01:00'),
    );
  });

  it('stops at the end of a shift rather than the start of the next one', () => {
    expect(addBusinessMinutes(amsterdamOffice, ms('2026-03-02T16:00:00+01:00'), 60)).toBe(
      ms('2026-03-02T17:00:00+01:00'),
    );
  });

  it('starts counting at the next shift when started outside working hours', () => {
    expect(addBusinessMinutes(amsterdamOffice, ms('2026-03-07T12:00:00+01:00'), 30)).toBe(
      ms('2026-03-09T09:30:00+01:00'),
    );
  });
});

describe('the end of the N-th business day after an instant', () => {
  it('does not count the day itself and skips weekends and holidays', () => {
    // Resolved Wednesday 23 Dec 2026: 24 Dec (Thu) is day 1, 25/26 holidays + weekend, 28 Dec (Mon) day 2.
    expect(endOfNthBusinessDayAfter(amsterdamOffice, ms('2026-12-23T14:00:00+01:00'), 2)).toBe(
      ms('2026-12-28T17:00:00+01:00'),
    );
  });
});

describe('calendar validation', () => {
  it('names every problem', () => {
    const problems = calendarProblems({
      timeZone: 'Mars/Olympus',
      workingHours: {
        monday: [
          { from: '09:00', to: '13:00' },
          { from: '12:00', to: '18:00' },
        ],
        friday: [{ from: '9', to: '17:00' }],
      },
      holidays: ['25-12-2026'],
    });
    expect(problems).toEqual([
      'unknown IANA time zone "Mars/Olympus"',
      'working shift 9-17:00 is not "HH:MM"-"HH:MM"',
      'working shifts monday 09:00-13:00 and monday 12:00-18:00 overlap',
      'holiday "25-12-2026" is not a date YYYY-MM-DD',
    ]);
  });

  it('refuses a Sunday night shift that runs into a Monday shift', () => {
    expect(
      calendarProblems({
        timeZone: 'UTC',
        workingHours: { sunday: [{ from: '22:00', to: '06:00' }], monday: [{ from: '05:00', to: '09:00' }] },
        holidays: [],
      }),
    ).toEqual(['working shifts sunday 22:00-06:00 and monday 05:00-09:00 overlap']);
  });
});

describe('business clock properties', () => {
  const calendars = [
    amsterdamOffice,
    nightShift,
    kolkataOffice,
    kathmanduSplitShift,
    allWeek('Australia/Lord_Howe', ['2026-04-05']),
  ];
  const calendar = fc.constantFrom(...calendars);
  // 2025-2027, covering every DST change of those zones, to the millisecond.
  const instant = fc.integer({ min: ms('2025-01-01T00:00:00Z'), max: ms('2027-12-31T00:00:00Z') });
  const span = fc.integer({ min: 0, max: 60 * 24 * 60 * 60_000 });

  it('is additive: between(a, b) + between(b, c) = between(a, c)', () => {
    fc.assert(
      fc.property(calendar, instant, span, span, (cal, a, d1, d2) => {
        const b = a + d1;
        const c = b + d2;
        return (
          businessMillisecondsBetween(cal, a, b) + businessMillisecondsBetween(cal, b, c) ===
          businessMillisecondsBetween(cal, a, c)
        );
      }),
      { numRuns: 300 },
    );
  });

  it('is monotonic and never more than the real time elapsed', () => {
    fc.assert(
      fc.property(calendar, instant, span, span, (cal, a, d1, d2) => {
        const shorter = businessMillisecondsBetween(cal, a, a + d1);
        const longer = businessMillisecondsBetween(cal, a, a + d1 + d2);
        return shorter >= 0 && shorter <= longer && longer <= d1 + d2;
      }),
      { numRuns: 300 },
    );
  });

  it('adding business time is the inverse of measuring it', () => {
    const businessMs = fc.integer({ min: 0, max: 20 * 24 * 60 * 60_000 });
    fc.assert(
      fc.property(calendar, instant, businessMs, (cal, start, duration) => {
        const end = addBusinessMilliseconds(cal, start, duration);
        return end >= start && businessMillisecondsBetween(cal, start, end) === duration;
      }),
      { numRuns: 300 },
    );
  });

  it('adding the business time measured to an instant never lands after that instant', () => {
    fc.assert(
      fc.property(calendar, instant, span, (cal, a, d) => {
        const b = a + d;
        return addBusinessMilliseconds(cal, a, businessMillisecondsBetween(cal, a, b)) <= b;
      }),
      { numRuns: 300 },
    );
  });
});
