import { plainToInstance } from 'class-transformer';
import { IsEmail, IsString, MinLength, validate } from 'class-validator';
import { Envelope, toErrorDetails } from './validation';

class Fields {
  @IsEmail()
  email: string;

  @IsString()
  @MinLength(3)
  name: string;
}

class Wrapped {
  @Envelope(() => Fields)
  user: Fields;
}

async function detailsOf(body: object) {
  return toErrorDetails(await validate(plainToInstance(Wrapped, body)));
}

describe(toErrorDetails.name, () => {
  it('should report envelope fields by their inner name', async () => {
    expect(await detailsOf({ user: { email: 'nope', name: 'ab' } })).toEqual({
      email: ['must be an email'],
      name: ['must be longer than or equal to 3 characters'],
    });
  });

  it('should report a missing envelope under its own name', async () => {
    const details = await detailsOf({});
    expect(Object.keys(details)).toEqual(['user']);
  });

  it('should return nothing for a valid body', async () => {
    expect(await detailsOf({ user: { email: 'a@b.test', name: 'abc' } })).toEqual({});
  });
});
