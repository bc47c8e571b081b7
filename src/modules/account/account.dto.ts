import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** The `/account/login` form. */
export class AccountLoginForm {
  @IsString()
  @MaxLength(254)
  email: string;

  @IsString()
  @MaxLength(256)
  password: string;

  @IsString()
  @MaxLength(512)
  _csrf: string;

  /** Where to go after login; only same-site paths are honoured. */
  @IsOptional()
  @Matches(/^\/(?!\/)[\w\-./?=&%]*$/, { message: 'must be a local path' })
  next?: string;
}

/** Forms that carry nothing but the CSRF token. */
export class CsrfOnlyForm {
  @IsString()
  @MaxLength(512)
  _csrf: string;
}
