import { PAUSABLE_STATES, PausableState } from '@app/domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
  ValidationArguments,
  registerDecorator,
} from 'class-validator';

const WALL_TIME = /^([01]\d|2[0-4]):[0-5]\d$/;
const MAX_MINUTES = 10 * 365 * 24 * 60;

export class WorkingShiftDto {
  /** Local wall time "HH:MM" the shift starts. */
  @Matches(WALL_TIME, { message: '$property must be a wall time "HH:MM"' })
  from!: string;

  /** Local wall time "HH:MM" it ends; not after `from` means it ends the next day; "24:00" is midnight. */
  @Matches(WALL_TIME, { message: '$property must be a wall time "HH:MM"' })
  to!: string;
}

const Shifts = () => (target: object, property: string) => {
  IsOptional()(target, property);
  IsArray()(target, property);
  ArrayMaxSize(12)(target, property);
  ValidateNested({ each: true })(target, property);
  Type(() => WorkingShiftDto)(target, property);
};

export class WorkingHoursDto {
  @Shifts() monday?: WorkingShiftDto[];
  @Shifts() tuesday?: WorkingShiftDto[];
  @Shifts() wednesday?: WorkingShiftDto[];
  @Shifts() thursday?: WorkingShiftDto[];
  @Shifts() friday?: WorkingShiftDto[];
  @Shifts() saturday?: WorkingShiftDto[];
  @Shifts() sunday?: WorkingShiftDto[];
}

export class BusinessCalendarDto {
  /** IANA time zone, e.g. "Europe/Amsterdam". */
  @IsString()
  @Matches(/^[A-Za-z0-9_+\-/]{1,64}$/, { message: '$property must be an IANA time zone name' })
  timeZone!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => WorkingHoursDto)
  workingHours!: WorkingHoursDto;

  /** Local dates "YYYY-MM-DD" on which no shift starts. */
  @IsArray()
  @ArrayMaxSize(2000)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { each: true, message: 'each of $property must be a date YYYY-MM-DD' })
  holidays!: string[];
}

export class PriorityTargetsDto {
  @IsInt()
  @Min(1)
  @Max(MAX_MINUTES)
  responseMinutes!: number;

  @IsInt()
  @Min(1)
  @Max(MAX_MINUTES)
  resolutionMinutes!: number;
}

const PerPriority =
  <T>(type: () => new () => T) =>
  (target: object, property: string) => {
    IsObject()(target, property);
    ValidateNested()(target, property);
    Type(type)(target, property);
  };

export class TargetsDto {
  @PerPriority(() => PriorityTargetsDto) P1!: PriorityTargetsDto;
  @PerPriority(() => PriorityTargetsDto) P2!: PriorityTargetsDto;
  @PerPriority(() => PriorityTargetsDto) P3!: PriorityTargetsDto;
  @PerPriority(() => PriorityTargetsDto) P4!: PriorityTargetsDto;
}

const Minutes = () => (target: object, property: string) => {
  IsInt()(target, property);
  Min(1)(target, property);
  Max(MAX_MINUTES)(target, property);
};

export class UpdateIntervalsDto {
  @Minutes() P1!: number;
  @Minutes() P2!: number;
  @Minutes() P3!: number;
  @Minutes() P4!: number;
}

export class FollowUpDto {
  @IsInt()
  @Min(1)
  @Max(365)
  reminderAfterBusinessDays!: number;

  @IsInt()
  @Min(1)
  @Max(365)
  managerContactAfterBusinessDays!: number;
}

function rateCardEntryProblem(key: string, entry: unknown): string | null {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(key))
    return `category "${key}" must be letters, digits, _ . - (at most 100)`;
  const isMinor = (value: unknown, min: number) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
  const e = entry as Record<string, unknown> | null;
  if (typeof e !== 'object' || e === null) return `category "${key}" must be an object`;
  const keys = Object.keys(e).sort().join(',');
  if (e.pricing === 'fixed' && keys === 'feeMinor,pricing' && isMinor(e.feeMinor, 0)) return null;
  if (
    e.pricing === 'hourly' &&
    keys === 'hourlyRateMinor,incrementMinutes,pricing' &&
    isMinor(e.hourlyRateMinor, 0) &&
    isMinor(e.incrementMinutes, 1)
  ) {
    return null;
  }
  return `category "${key}" must be {pricing:"fixed", feeMinor>=0} or {pricing:"hourly", hourlyRateMinor>=0, incrementMinutes>=1}, whole numbers`;
}

/** Rate-card categories: a map of category -> fixed fee or hourly pricing. */
function IsRateCardCategories() {
  return (target: object, property: string) =>
    registerDecorator({
      name: 'isRateCardCategories',
      target: target.constructor,
      propertyName: property,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.entries(value).every(([key, entry]) => rateCardEntryProblem(key, entry) === null),
        defaultMessage: (args?: ValidationArguments) => {
          const value = args?.value;
          if (typeof value !== 'object' || value === null || Array.isArray(value)) {
            return `${args?.property} must be an object of category -> pricing`;
          }
          return Object.entries(value)
            .map(([key, entry]) => rateCardEntryProblem(key, entry))
            .filter((problem) => problem !== null)
            .join('; ');
        },
      },
    });
}

export class RateCardDto {
  /** ISO 4217 currency code; every amount is in its minor units (cents). */
  @Matches(/^[A-Z]{3}$/, { message: '$property must be an ISO 4217 code such as "EUR"' })
  currency!: string;

  @IsRateCardCategories()
  categories!: Record<
    string,
    | { pricing: 'fixed'; feeMinor: number }
    | { pricing: 'hourly'; hourlyRateMinor: number; incrementMinutes: number }
  >;
}

export class AgreementTermsDto {
  @IsObject()
  @ValidateNested()
  @Type(() => BusinessCalendarDto)
  calendar!: BusinessCalendarDto;

  @IsObject()
  @ValidateNested()
  @Type(() => TargetsDto)
  targets!: TargetsDto;

  /** States that stop the clock; agree [] to let it run while awaiting the user. */
  @IsArray()
  @IsIn(PAUSABLE_STATES, { each: true })
  pausingStates!: PausableState[];

  @IsInt()
  @Min(1)
  @Max(365)
  autoCloseAfterBusinessDays!: number;

  @IsObject()
  @ValidateNested()
  @Type(() => FollowUpDto)
  followUp!: FollowUpDto;

  @IsObject()
  @ValidateNested()
  @Type(() => UpdateIntervalsDto)
  customerUpdateIntervalMinutes!: UpdateIntervalsDto;

  @IsObject()
  @ValidateNested()
  @Type(() => RateCardDto)
  rateCard!: RateCardDto;
}
