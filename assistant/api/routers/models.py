"""OpenAI's model listing: most chat front-ends call GET /v1/models before anything else."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import AssistantDep, errors
from ..openai_compat import check_model, model_card
from ..schemas import Model, ModelList

router = APIRouter(tags=["openai"])


@router.get("/models", response_model=ModelList, responses=errors(401, 429, 503))
def list_models(assistant: AssistantDep) -> ModelList:
    """The one model this server offers, `policy-qa`."""
    return ModelList(data=[model_card(assistant)])


@router.get("/models/{model_id:path}", response_model=Model, responses=errors(401, 404, 429, 503))
def retrieve_model(model_id: str, assistant: AssistantDep) -> Model:
    """One model by id; any id other than `policy-qa` is 404 `model_not_found`."""
    check_model(model_id, param="model_id")
    return model_card(assistant)
