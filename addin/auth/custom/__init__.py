"""Token authentication for the add-in server (xlwings Server's "custom" auth provider).

Tokens, user names and each user's district come from the server config file (see
`jicai.commands.serve`). The task pane stores the clerk's token; every request carries it
in the Authorization header. A missing or unknown token is HTTP 401.
"""
from fastapi import HTTPException, status
from xlwings_server.models import User

from jicai.commands.serve import load_config


async def validate_token(token_string: str):
    user = load_config().user_for_token(token_string)
    if user is None:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED,
                            detail="身份验证失败：令牌无效或未填写。请在“集采助手”任务窗格中填写管理员发给您的令牌。")
    return User(id=user.name, name=user.name, roles=["district"] if user.district else ["city"],
                claims={"district": user.district} if user.district else {})
