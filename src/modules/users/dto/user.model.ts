import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Role } from '@/core/auth/permissions';
import type { User } from '../entities/user.entity';

registerEnumType(Role, { name: 'Role' });

// Descriptions are explicit: the GraphQL CLI plugin's comment introspection mangles named types.
@ObjectType('Account', {
  description: "The caller's own account (GraphQL clients already hold a token).",
})
export class AccountModel {
  @Field(() => ID)
  id: string;

  @Field()
  email: string;

  @Field()
  username: string;

  @Field(() => String, { nullable: true })
  bio: string | null;

  @Field(() => String, { nullable: true })
  image: string | null;

  @Field(() => Role)
  role: Role;

  @Field()
  createdAt: Date;
}

export function toAccountModel(user: User): AccountModel {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    bio: user.bio,
    image: user.image,
    role: user.role,
    createdAt: user.createdAt,
  };
}
