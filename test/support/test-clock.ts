import { Clock } from '@app/application';

/** A clock the test sets: commands happen exactly when the scenario says. */
export class TestClock implements Clock {
  private current: Date;

  constructor(start: string) {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(instant: string): void {
    this.current = new Date(instant);
  }
}
