"""Operations on a spec or a deployment: the budget report and the game-day drill.

They use the model (drkit.regions) and, for the drill, boto3; never the
provider bindings (jsii) or moto.
"""
