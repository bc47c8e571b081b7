import { Field, InputType } from '@nestjs/graphql';
import { IsOptional } from 'class-validator';
import { UserFieldRules } from './user-fields';

@InputType()
export class UpdateProfileInput {
  @Field({ nullable: true })
  @IsOptional()
  @UserFieldRules.email()
  email?: string;

  @Field({ nullable: true })
  @IsOptional()
  @UserFieldRules.username()
  username?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @UserFieldRules.bio()
  bio?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @UserFieldRules.image()
  image?: string | null;
}
