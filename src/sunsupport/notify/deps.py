from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sunsupport.notify.service import MailPolicy


async def get_mail_policy(request: Request) -> MailPolicy:
    policy: MailPolicy = request.app.state.mail_policy
    return policy


MailPolicyDep = Annotated[MailPolicy, Depends(get_mail_policy)]
