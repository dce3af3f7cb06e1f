from app.impl import thing as thing
