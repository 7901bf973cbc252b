import strawberry


@strawberry.type
class Mutation:
    @strawberry.field
    def noop(self) -> bool:
        return True
